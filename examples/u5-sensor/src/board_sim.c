/* Board layer for the simulator, QEMU mps2-an505 (Cortex-M33): CMSDK APB UART0 as the console. */
#include "board.h"

#include "rx_ring.h"
#include "systick.h"

#define UART0_BASE 0x50200000u /* secure alias */
#define UART_DATA (*(volatile uint32_t *)(UART0_BASE + 0x00u))
#define UART_STATE (*(volatile uint32_t *)(UART0_BASE + 0x04u))
#define UART_CTRL (*(volatile uint32_t *)(UART0_BASE + 0x08u))
#define UART_INTSTATUS (*(volatile uint32_t *)(UART0_BASE + 0x0Cu))
#define UART_BAUDDIV (*(volatile uint32_t *)(UART0_BASE + 0x10u))
#define UART_STATE_TX_FULL (1u << 0)
#define UART_STATE_RX_FULL (1u << 1)
#define UART_CTRL_TX_EN (1u << 0)
#define UART_CTRL_RX_EN (1u << 1)
#define UART_CTRL_RX_INT_EN (1u << 3)
#define UART_INT_RX (1u << 1)
#define UART0_RX_IRQ 32u

#define NVIC_ISER(n) (*(volatile uint32_t *)(0xE000E100u + 4u * (n)))

/* The AN505 FPGA image clocks the core at 20 MHz (QEMU models the same). */
#define CORE_HZ 20000000u

const char board_name[] = "stm32u5-sim";

static void rx_drain(void) {
  while (UART_STATE & UART_STATE_RX_FULL) {
    rx_ring_push((uint8_t)UART_DATA);
  }
}

void board_init(void) {
  UART_BAUDDIV = 16u;
  UART_CTRL = UART_CTRL_TX_EN | UART_CTRL_RX_EN | UART_CTRL_RX_INT_EN;
  NVIC_ISER(UART0_RX_IRQ / 32u) = 1u << (UART0_RX_IRQ % 32u);
  systick_start(CORE_HZ);
}

void board_irq(unsigned irq) {
  if (irq == UART0_RX_IRQ) {
    UART_INTSTATUS = UART_INT_RX;
    rx_drain();
  }
}

void board_uart_putc(char c) {
  while (UART_STATE & UART_STATE_TX_FULL) {
  }
  UART_DATA = (uint8_t)c;
}

int board_uart_getc(void) { return rx_ring_take(rx_drain); }

void board_uart_flush(void) {
  /* The model transmits each byte as it is written; nothing is queued. */
}
