// One multiplexed channel as a Node Duplex: credit-based backpressure both ways and, when negotiated, E2E sealing inside.
import { Duplex } from 'node:stream';
import type { ChannelKind } from '../protocol/channels';
import { CloseCode } from '../protocol/closeCodes';
import { INITIAL_WINDOW, ReceiveWindow, SendCredit } from '../protocol/credit';
import { E2E_OVERHEAD, type E2eSession } from '../protocol/e2e';
import { closeFrame, creditFrame, dataFrame, MAX_DATA_PAYLOAD } from '../protocol/frame';
import { RelayError } from './errors';
import { Priority, priorityOf } from './scheduler';

/** What a channel needs from its connection. */
export interface ChannelHost {
  sendFrame(frame: Buffer, priority: Priority): void;
  /** The channel is gone from both sides' point of view; forget its id. */
  release(id: number): void;
}

/** Who is on the other end and how the channel is protected. */
export interface ChannelInfo {
  id: number;
  kind: ChannelKind;
  /** The device name (operator side) or the operator name (device side). */
  peer: string;
  e2e?: E2eSession;
}

interface PendingWrite {
  data: Buffer;
  offset: number;
  cb: (err?: Error | null) => void;
}

/**
 * A channel. Write to send, read to receive; `end()` closes it normally (CLOSE 4000) after queued data is sent,
 * `destroy(err)` closes it at once (with `err.closeCode` when err is a RelayError, else 4000 and the message as
 * reason). A CLOSE from the peer ends the readable side (4000) or destroys the stream with a RelayError (any
 * other code). Attach an 'error' listener: a failed channel emits one.
 */
export class Channel extends Duplex {
  readonly id: number;
  readonly kind: ChannelKind;
  readonly peer: string;
  private readonly e2e?: E2eSession;
  private readonly credit = new SendCredit(INITIAL_WINDOW);
  private readonly window = new ReceiveWindow(INITIAL_WINDOW);
  private readonly inbox: { data: Buffer; wire: number }[] = [];
  private pending?: PendingWrite;
  private wantsData = false;
  private remoteEnded = false;
  private eofPushed = false;
  private closeSent = false;

  constructor(
    info: ChannelInfo,
    private readonly host: ChannelHost,
  ) {
    super({ allowHalfOpen: false, readableHighWaterMark: 64 * 1024, writableHighWaterMark: 64 * 1024 });
    this.id = info.id;
    this.kind = info.kind;
    this.peer = info.peer;
    this.e2e = info.e2e;
  }

  /** True when payloads are end-to-end encrypted (the relay forwards only ciphertext). */
  get encrypted(): boolean {
    return this.e2e !== undefined;
  }

  /** DATA from the peer (called by the connection). */
  handleData(payload: Buffer): void {
    if (this.destroyed || this.remoteEnded) return;
    const accepted = this.window.receive(payload.length);
    if (!accepted.ok) return this.fail(accepted.code, accepted.reason);
    let data: Buffer = Buffer.from(payload);
    if (this.e2e) {
      const opened = this.e2e.open(payload);
      if (!opened.ok) return this.fail(opened.code, opened.reason);
      data = opened.value;
    }
    this.inbox.push({ data, wire: payload.length });
    this.deliver();
  }

  /** CREDIT from the peer. */
  handleCredit(bytes: number): void {
    const granted = this.credit.grant(bytes);
    if (!granted.ok) return this.fail(granted.code, granted.reason);
    this.flush();
  }

  /** CLOSE from the peer. */
  handleClose(code: number, reason: string): void {
    this.closeSent = true; // never answer a CLOSE with a CLOSE
    this.host.release(this.id);
    if (code === CloseCode.NORMAL) {
      this.remoteEnded = true;
      const p = this.pending;
      this.pending = undefined;
      p?.cb();
      this.deliver();
    } else {
      this.destroy(RelayError.fromClose(code, reason));
    }
  }

  /** The connection is gone: nothing more can be sent or received. */
  abort(error: RelayError): void {
    this.closeSent = true;
    this.host.release(this.id);
    if (error.closeCode === CloseCode.NORMAL) this.destroy();
    else this.destroy(error);
  }

  override _read(): void {
    this.wantsData = true;
    this.deliver();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.remoteEnded) return cb(); // the peer closed: what is written now goes nowhere
    this.pending = { data: chunk, offset: 0, cb };
    this.flush();
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.sendClose(CloseCode.NORMAL, '');
    this.host.release(this.id);
    // The peer drops the channel on our CLOSE, so nothing more will arrive: end the readable side too.
    this.remoteEnded = true;
    this.deliver();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    // A RelayError carries its wire code; any other error closes normally with its message as the reason.
    const code = err instanceof RelayError && err.closeCode && err.closeCode >= 4000 ? err.closeCode : CloseCode.NORMAL;
    this.sendClose(code, err ? err.message : '');
    this.host.release(this.id);
    this.inbox.length = 0;
    cb(err);
  }

  private sendClose(code: number, reason: string): void {
    if (this.closeSent) return;
    this.closeSent = true;
    // Same priority as the channel's DATA, so a CLOSE never overtakes data queued before it.
    this.host.sendFrame(closeFrame(this.id, code, reason), priorityOf(this.kind));
  }

  private fail(code: CloseCode, reason: string): void {
    this.destroy(RelayError.fromClose(code, reason));
  }

  private deliver(): void {
    while (this.wantsData && this.inbox.length > 0) {
      const { data, wire } = this.inbox.shift() as { data: Buffer; wire: number };
      this.wantsData = this.push(data);
      const grant = this.window.consumed(wire);
      if (grant > 0 && !this.closeSent) this.host.sendFrame(creditFrame(this.id, grant), Priority.Interactive);
    }
    if (this.remoteEnded && this.inbox.length === 0 && !this.eofPushed) {
      this.eofPushed = true;
      this.push(null);
    }
  }

  private flush(): void {
    const p = this.pending;
    if (!p || this.destroyed) return;
    const overhead = this.e2e ? E2E_OVERHEAD : 0;
    while (p.offset < p.data.length) {
      const room = this.credit.available - overhead;
      if (room <= 0) return; // wait for CREDIT
      const n = Math.min(p.data.length - p.offset, MAX_DATA_PAYLOAD - overhead, room);
      const piece = p.data.subarray(p.offset, p.offset + n);
      const wire = this.e2e ? this.e2e.seal(piece) : piece;
      this.credit.take(wire.length);
      this.host.sendFrame(dataFrame(this.id, wire), priorityOf(this.kind));
      p.offset += n;
    }
    this.pending = undefined;
    p.cb();
  }
}
