/* The console receive ring buffer (see rx_ring.h). */
#include "rx_ring.h"

#define RX_BUF_LEN 256u

static volatile uint8_t rx_buf[RX_BUF_LEN];
static volatile uint32_t rx_head, rx_tail;

void rx_ring_push(uint8_t c) {
  uint32_t next = (rx_head + 1u) % RX_BUF_LEN;
  if (next != rx_tail) {
    rx_buf[rx_head] = c;
    rx_head = next;
  }
}

int rx_ring_take(void (*drain)(void)) {
  __asm volatile("cpsid i");
  drain();
  int c = -1;
  if (rx_tail != rx_head) {
    c = rx_buf[rx_tail];
    rx_tail = (rx_tail + 1u) % RX_BUF_LEN;
  }
  __asm volatile("cpsie i");
  return c;
}
