/* SysTick: a 1 kHz interrupt advancing the millisecond counter everything else is timed by. */
#include "systick.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_CSR_ENABLE (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CLKSOURCE_CPU (1u << 2)

volatile uint32_t g_ticks_ms;

void systick_start(uint32_t core_hz) {
  SYST_RVR = core_hz / 1000u - 1u;
  SYST_CVR = 0;
  SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE_CPU;
}

void SysTick_Handler(void) { g_ticks_ms++; }
