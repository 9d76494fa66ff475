// The agent's own RSP conversation with the target's GDB stub: one request at a time, acks handled here.
import type { Socket } from 'node:net';
import type { Logger } from '../../common/log';
import { encodePacket, RspParser, type RspEvent } from '../../debug/rsp/packet';

/** `O` + hex is console output a stub sends before its final reply; `OK` is a reply. */
export function isConsoleOutput(payload: string): boolean {
  return payload.startsWith('O') && payload !== 'OK' && /^O([0-9a-fA-F]{2})+$/.test(payload);
}

/** Requests whose reply may be a stop reply; to any other request a stop reply is a notice nobody asked for. */
const CAN_STOP = /^([cCsS?]|vCont;|vRun|vAttach|vStopped|R|i|I)/;
/** A stop reply: signal in two hex digits, then nothing or `key:value;` pairs. QEMU sends T02 when GDB connects. */
const STOP_REPLY = /^[TS][0-9a-fA-F]{2}($|[^0-9a-fA-F])/;

/** The stub went away while a request waited. */
export class StubGoneError extends Error {}

/**
 * Sends packets to the stub and resolves with its packets up to the final reply (console output first). In ack
 * mode it acknowledges each reply and resends on `-`; after QStartNoAckMode (noAck = true) neither.
 * Packets arriving with no request waiting (a late stop after an interrupt), and stop replies to requests that
 * cannot stop the target (QEMU's T02 on connect), are logged and dropped.
 */
export class StubClient {
  private readonly parser = new RspParser();
  private pending?: {
    packet: Buffer;
    got: string[];
    stops: boolean;
    resolve(p: string[]): void;
    reject(e: Error): void;
  };
  private closed = false;
  private heard = false;
  private onHeard?: () => void;
  /** True once the stub agreed to QStartNoAckMode. */
  noAck = false;

  private readonly onData = (chunk: Buffer): void => {
    for (const event of this.parser.push(chunk)) this.event(event);
  };
  private readonly onClose = (): void => {
    this.closed = true;
    this.pending?.reject(new StubGoneError('the GDB stub closed the connection'));
    this.pending = undefined;
  };

  constructor(
    private readonly socket: Socket,
    private readonly log: Logger,
  ) {
    socket.on('data', this.onData);
    socket.on('close', this.onClose);
  }

  /** True while a request waits for its reply (e.g. a resume until the target stops). */
  get busy(): boolean {
    return this.pending !== undefined;
  }

  /** Sends one packet payload (escaped as on the wire) and resolves with the stub's packets for it. */
  request(payload: string): Promise<string[]> {
    if (this.closed) return Promise.reject(new StubGoneError('the GDB stub closed the connection'));
    return new Promise((resolve, reject) => {
      const packet = encodePacket(payload);
      this.pending = { packet, got: [], stops: CAN_STOP.test(payload), resolve, reject };
      this.socket.write(packet);
    });
  }

  /** The final reply payload of a request. */
  async ask(payload: string): Promise<string> {
    const packets = await this.request(payload);
    return packets[packets.length - 1];
  }

  /** GDB's Ctrl-C: the stub stops the target and answers the waiting resume with a stop reply. */
  interrupt(): void {
    if (!this.closed) this.socket.write(Buffer.from([0x03]));
  }

  /** Stops reading the socket (its new owner, e.g. the detach, reads it from now on). */
  release(): void {
    this.socket.off('data', this.onData);
    this.socket.off('close', this.onClose);
  }

  /**
   * Waits until the stub has said something or `ms` passed. QEMU halts the core when a debugger connects, reports
   * it (T02) and drops bytes that race that halt; after its report, requests are safe.
   */
  settle(ms: number): Promise<void> {
    if (this.heard || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.onHeard = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private event(event: RspEvent): void {
    if (!this.heard) {
      this.heard = true;
      this.onHeard?.();
    }
    if (event.type === 'nack' && this.pending && !this.noAck) this.socket.write(this.pending.packet);
    if (event.type !== 'packet') return;
    if (!this.noAck) this.socket.write(event.valid ? '+' : '-');
    if (!event.valid) return;
    const pending = this.pending;
    if (!pending || (!pending.stops && STOP_REPLY.test(event.payload))) {
      this.log.debug('stub packet that answers no request', { packet: event.payload.slice(0, 20) });
      return;
    }
    pending.got.push(event.payload);
    if (isConsoleOutput(event.payload)) return;
    this.pending = undefined;
    pending.resolve(pending.got);
  }
}
