/* Console receive buffer: bytes the UART interrupt moves out of the 1-byte receive register, so typing ahead is
   not lost. Shared by the board layers: push from the receive interrupt, take from the main loop. */
#ifndef RX_RING_H
#define RX_RING_H

#include <stdint.h>

/* Stores one received byte; drops it when the buffer is full. */
void rx_ring_push(uint8_t c);

/* With interrupts masked: `drain` moves what the UART still holds into the buffer, then the oldest byte is
   returned, or -1 when none is waiting. */
int rx_ring_take(void (*drain)(void));

#endif
