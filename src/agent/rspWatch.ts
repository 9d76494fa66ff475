// Watches the operator → stub RSP byte stream: did the operator end the session itself (D or k), and is a packet cut in half?

const enum State {
  Idle,
  Packet,
  Sum1,
  Sum2,
}

/**
 * A tiny RSP framing tracker. It does not validate checksums; it only knows packet boundaries, which is all the
 * agent needs to decide whether to detach for an operator that vanished.
 */
export class RspWatch {
  private state = State.Idle;
  private first = true;
  private command = '';
  private ended = false;

  /** True once the operator sent a detach (`D…`) or kill (`k`, `vKill`) packet: the session ended on purpose. */
  get sessionEnded(): boolean {
    return this.ended;
  }

  /** True while a packet has started but its `#xx` checksum has not fully arrived. */
  get midPacket(): boolean {
    return this.state !== State.Idle;
  }

  /** Feeds bytes the operator sent towards the stub. */
  feed(data: Uint8Array): void {
    for (const byte of data) {
      switch (this.state) {
        case State.Idle:
          if (byte === 0x24 /* $ */) {
            this.state = State.Packet;
            this.first = true;
            this.command = '';
          }
          break;
        case State.Packet:
          if (byte === 0x23 /* # */) this.state = State.Sum1;
          else if (this.first || this.command.length < 5) {
            this.command += String.fromCharCode(byte);
            this.first = false;
          }
          break;
        case State.Sum1:
          this.state = State.Sum2;
          break;
        case State.Sum2:
          this.state = State.Idle;
          if (/^(D|k$|vKill)/.test(this.command)) this.ended = true;
          break;
      }
    }
  }
}
