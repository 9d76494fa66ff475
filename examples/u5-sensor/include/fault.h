/* HardFault capture: the stacked registers and fault status registers, kept for the debugger to inspect. */
#ifndef FAULT_H
#define FAULT_H

#include <stdint.h>

struct fault_info {
  uint32_t r0, r1, r2, r3, r12, lr, pc, xpsr; /* exception frame stacked by the core */
  uint32_t exc_return;
  uint32_t cfsr;  /* configurable fault status (MMFSR | BFSR << 8 | UFSR << 16) */
  uint32_t hfsr;  /* HardFault status: FORCED = escalated from a configurable fault */
  uint32_t mmfar; /* valid when CFSR.MMARVALID */
  uint32_t bfar;  /* valid when CFSR.BFARVALID */
};

enum fault_kind { FAULT_UNDEFINED_INSTRUCTION, FAULT_BUS_ERROR, FAULT_DIVIDE_BY_ZERO };

/* Last fault seen; a debugger attached after a fault reads it with `print g_last_fault`. */
extern volatile struct fault_info g_last_fault;

/* While non-zero the HardFault handler spins so a debugger can inspect the core; clear it to reset. */
extern volatile uint32_t g_fault_hold;

/* Deliberately faults the core (the `fault` console command). */
void fault_trigger(enum fault_kind kind);

#endif
