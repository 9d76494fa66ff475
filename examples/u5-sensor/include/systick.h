/* Millisecond time base driven by the SysTick interrupt. */
#ifndef SYSTICK_H
#define SYSTICK_H

#include <stdint.h>

/* Milliseconds since boot; incremented by SysTick_Handler. */
extern volatile uint32_t g_ticks_ms;

/* Starts SysTick at 1 kHz from a core clock of `core_hz`. */
void systick_start(uint32_t core_hz);

/* Milliseconds since boot. */
static inline uint32_t millis(void) { return g_ticks_ms; }

#endif
