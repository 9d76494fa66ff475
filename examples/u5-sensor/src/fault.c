/* HardFault handling: capture the exception frame and fault status, log one decoded line, then hold for a debugger. */
#include "fault.h"

#include "board.h"
#include "log.h"

#define SCB_CCR (*(volatile uint32_t *)0xE000ED14u)
#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)
#define SCB_HFSR (*(volatile uint32_t *)0xE000ED2Cu)
#define SCB_MMFAR (*(volatile uint32_t *)0xE000ED34u)
#define SCB_BFAR (*(volatile uint32_t *)0xE000ED38u)
#define SCB_CCR_DIV_0_TRP (1u << 4)

#define CFSR_MMARVALID (1u << 7)
#define CFSR_BFARVALID (1u << 15)

/* An address with nothing behind it on either board: accesses end in a bus error. */
#define UNMAPPED_ADDRESS 0xF0000000u

volatile struct fault_info g_last_fault;
volatile uint32_t g_fault_hold = 1;

void hard_fault_report(const uint32_t *frame, uint32_t exc_return);

static const char *fault_cause(uint32_t cfsr, uint32_t hfsr) {
  if (cfsr & (1u << 16)) return "undefined instruction";
  if (cfsr & (1u << 17)) return "invalid state (Thumb bit clear)";
  if (cfsr & (1u << 18)) return "invalid exception return";
  if (cfsr & (1u << 19)) return "no coprocessor";
  if (cfsr & (1u << 24)) return "unaligned access";
  if (cfsr & (1u << 25)) return "divide by zero";
  if (cfsr & (1u << 9)) return "precise bus error";
  if (cfsr & (1u << 10)) return "imprecise bus error";
  if (cfsr & (1u << 8)) return "instruction bus error";
  if (cfsr & 0xffu) return "memory management fault";
  if (hfsr & (1u << 1)) return "vector table read error";
  return "hard fault";
}

/* Entered from HardFault_Handler with the stacked frame (r0-r3, r12, lr, pc, xpsr). */
void hard_fault_report(const uint32_t *frame, uint32_t exc_return) {
  g_last_fault.r0 = frame[0];
  g_last_fault.r1 = frame[1];
  g_last_fault.r2 = frame[2];
  g_last_fault.r3 = frame[3];
  g_last_fault.r12 = frame[4];
  g_last_fault.lr = frame[5];
  g_last_fault.pc = frame[6];
  g_last_fault.xpsr = frame[7];
  g_last_fault.exc_return = exc_return;
  g_last_fault.cfsr = SCB_CFSR;
  g_last_fault.hfsr = SCB_HFSR;
  g_last_fault.mmfar = SCB_MMFAR;
  g_last_fault.bfar = SCB_BFAR;

  LOG_E("HardFault: %s at pc=0x%08lx lr=0x%08lx cfsr=0x%08lx hfsr=0x%08lx", fault_cause(g_last_fault.cfsr, g_last_fault.hfsr),
        g_last_fault.pc, g_last_fault.lr, g_last_fault.cfsr, g_last_fault.hfsr);
  if (g_last_fault.cfsr & CFSR_BFARVALID) LOG_E("HardFault: bus fault address 0x%08lx", g_last_fault.bfar);
  if (g_last_fault.cfsr & CFSR_MMARVALID) LOG_E("HardFault: memory fault address 0x%08lx", g_last_fault.mmfar);
  LOG_E("HardFault: core held for the debugger (print g_last_fault; set var g_fault_hold = 0 to reset)");
  board_uart_flush();
  while (g_fault_hold) {
  }
  board_reset();
}

/* Picks the stack the core pushed the frame on (EXC_RETURN bit 2), then hands over to the C handler. */
__attribute__((naked)) void HardFault_Handler(void) {
  __asm volatile(
      "tst lr, #4\n"
      "ite eq\n"
      "mrseq r0, msp\n"
      "mrsne r0, psp\n"
      "mov r1, lr\n"
      "b hard_fault_report\n");
}

void fault_trigger(enum fault_kind kind) {
  switch (kind) {
    case FAULT_BUS_ERROR:
      *(volatile uint32_t *)UNMAPPED_ADDRESS = 0xdeadbeefu;
      break;
    case FAULT_DIVIDE_BY_ZERO: {
      volatile int32_t zero = 0;
      SCB_CCR |= SCB_CCR_DIV_0_TRP;
      volatile int32_t r = 100 / zero;
      (void)r;
      break;
    }
    case FAULT_UNDEFINED_INSTRUCTION:
    default:
      __asm volatile("udf #0");
      break;
  }
}
