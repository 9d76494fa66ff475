/* Reset entry and vector table for Cortex-M33: sets up .data/.bss, then runs main(). */
#include <stdint.h>

#include "board.h"

extern uint32_t _estack, _sidata, _sdata, _edata, _sbss, _ebss;

int main(void);
void Reset_Handler(void);
void NMI_Handler(void);
void HardFault_Handler(void);
void SysTick_Handler(void);
void Default_Handler(void);

/* Enough external interrupt lines for both boards (sim UART0 RX is 32, STM32U575 USART1 is 61). */
#define EXTERNAL_IRQS 80

#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)

void Reset_Handler(void) {
  /* FPU on (CP10/CP11 full access) before any code the compiler may have given floating-point registers. */
  SCB_CPACR |= 0xFu << 20;
  __asm volatile("dsb\n isb");
  uint32_t *src = &_sidata;
  for (uint32_t *dst = &_sdata; dst < &_edata;) *dst++ = *src++;
  for (uint32_t *dst = &_sbss; dst < &_ebss;) *dst++ = 0;
  main();
  for (;;) {
  }
}

void NMI_Handler(void) {
  for (;;) {
  }
}

/* External interrupts share one entry; the board layer dispatches on the active exception number. */
void Default_Handler(void) {
  uint32_t ipsr;
  __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
  if (ipsr >= 16u) board_irq(ipsr - 16u);
}

typedef void (*vector_fn)(void);

__attribute__((section(".vectors"), used)) const vector_fn vector_table[16 + EXTERNAL_IRQS] = {
    [0] = (vector_fn)(uintptr_t)&_estack,
    [1] = Reset_Handler,
    [2] = NMI_Handler,
    [3] = HardFault_Handler,
    /* MemManage, BusFault, UsageFault and SecureFault stay disabled in SHCSR, so they escalate to HardFault. */
    [4] = HardFault_Handler,
    [5] = HardFault_Handler,
    [6] = HardFault_Handler,
    [7] = HardFault_Handler,
    [11] = Default_Handler, /* SVCall */
    [12] = Default_Handler, /* DebugMonitor */
    [14] = Default_Handler, /* PendSV */
    [15] = SysTick_Handler,
    [16 ... 16 + EXTERNAL_IRQS - 1] = Default_Handler,
};
