/* Board layer for the NUCLEO-U575ZI-Q: USART1 on PA9/PA10 is the ST-LINK virtual COM port (115200 8N1).
   Runs on the reset clock (MSIS 4 MHz) with TrustZone disabled, so the non-secure register aliases apply. */
#include "board.h"

#include "rx_ring.h"
#include "systick.h"

#define RCC_BASE 0x46020C00u
#define RCC_AHB2ENR1 (*(volatile uint32_t *)(RCC_BASE + 0x8Cu))
#define RCC_APB2ENR (*(volatile uint32_t *)(RCC_BASE + 0xA4u))
#define RCC_AHB2ENR1_GPIOAEN (1u << 0)
#define RCC_APB2ENR_USART1EN (1u << 14)

#define GPIOA_BASE 0x42020000u
#define GPIOA_MODER (*(volatile uint32_t *)(GPIOA_BASE + 0x00u))
#define GPIOA_AFRH (*(volatile uint32_t *)(GPIOA_BASE + 0x24u))

#define USART1_BASE 0x40013800u
#define USART_CR1 (*(volatile uint32_t *)(USART1_BASE + 0x00u))
#define USART_BRR (*(volatile uint32_t *)(USART1_BASE + 0x0Cu))
#define USART_ISR (*(volatile uint32_t *)(USART1_BASE + 0x1Cu))
#define USART_ICR (*(volatile uint32_t *)(USART1_BASE + 0x20u))
#define USART_RDR (*(volatile uint32_t *)(USART1_BASE + 0x24u))
#define USART_TDR (*(volatile uint32_t *)(USART1_BASE + 0x28u))
#define USART_CR1_UE (1u << 0)
#define USART_CR1_RE (1u << 2)
#define USART_CR1_TE (1u << 3)
#define USART_CR1_RXNEIE (1u << 5)
#define USART_ISR_ORE (1u << 3)
#define USART_ISR_RXNE (1u << 5)
#define USART_ISR_TC (1u << 6)
#define USART_ISR_TXE (1u << 7)
#define USART_ICR_ORECF (1u << 3)
#define USART1_IRQ 61u

#define NVIC_ISER(n) (*(volatile uint32_t *)(0xE000E100u + 4u * (n)))

#define CORE_HZ 4000000u /* MSIS after reset */
#define BAUD 115200u

const char board_name[] = "nucleo-u575zi-q";

static void rx_drain(void) {
  if (USART_ISR & USART_ISR_ORE) USART_ICR = USART_ICR_ORECF;
  while (USART_ISR & USART_ISR_RXNE) {
    rx_ring_push((uint8_t)USART_RDR);
  }
}

void board_init(void) {
  RCC_AHB2ENR1 |= RCC_AHB2ENR1_GPIOAEN;
  RCC_APB2ENR |= RCC_APB2ENR_USART1EN;
  (void)RCC_APB2ENR; /* read back: the clock is running before the peripheral is touched */

  /* PA9 = TX, PA10 = RX, alternate function 7. */
  GPIOA_MODER = (GPIOA_MODER & ~(0xFu << 18)) | (0x2u << 18) | (0x2u << 20);
  GPIOA_AFRH = (GPIOA_AFRH & ~(0xFFu << 4)) | (7u << 4) | (7u << 8);

  USART_BRR = (CORE_HZ + BAUD / 2u) / BAUD;
  USART_CR1 = USART_CR1_UE | USART_CR1_RE | USART_CR1_TE | USART_CR1_RXNEIE;
  NVIC_ISER(USART1_IRQ / 32u) = 1u << (USART1_IRQ % 32u);
  systick_start(CORE_HZ);
}

void board_irq(unsigned irq) {
  if (irq == USART1_IRQ) rx_drain();
}

void board_uart_putc(char c) {
  while (!(USART_ISR & USART_ISR_TXE)) {
  }
  USART_TDR = (uint8_t)c;
}

int board_uart_getc(void) { return rx_ring_take(rx_drain); }

void board_uart_flush(void) {
  while (!(USART_ISR & USART_ISR_TC)) {
  }
}
