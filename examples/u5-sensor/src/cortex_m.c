/* The part of the board layer every Cortex-M33 board shares: sleeping until an interrupt, and the system reset. */
#include "board.h"

#define SCB_AIRCR (*(volatile uint32_t *)0xE000ED0Cu)
#define AIRCR_SYSRESETREQ (0x05FAu << 16 | 1u << 2)

void board_idle(void) { __asm volatile("wfi"); }

void board_reset(void) {
  __asm volatile("dsb");
  SCB_AIRCR = AIRCR_SYSRESETREQ;
  __asm volatile("dsb");
  for (;;) {
  }
}
