/* Board layer: the few hardware services the application needs, one implementation per target. */
#ifndef BOARD_H
#define BOARD_H

#include <stdint.h>

/* Name reported by `version` and the boot line, e.g. "stm32u5-sim". */
extern const char board_name[];

/* Clocks, console UART (115200 8N1 on hardware) and a 1 kHz SysTick. Call once, first thing in main(). */
void board_init(void);

/* Blocking write of one byte to the console UART. */
void board_uart_putc(char c);

/* Next received byte, or -1 when none is waiting. */
int board_uart_getc(void);

/* Waits until all queued output has left the UART (before a reset, so the last line is not lost). */
void board_uart_flush(void);

/* Sleeps until the next interrupt (SysTick or UART receive). */
void board_idle(void);

/* Called from the shared interrupt vector for external interrupt `irq` (NVIC number). */
void board_irq(unsigned irq);

/* System reset through AIRCR.SYSRESETREQ. */
void board_reset(void) __attribute__((noreturn));

#endif
