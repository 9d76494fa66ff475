// A minimal QEMU Machine Protocol client over a unix socket: enough to know QEMU is up, resume, reset and quit.
import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

/** One QMP session. Emits 'event' ({event, data}) for asynchronous QEMU events and 'close' when the socket ends. */
export class QmpClient extends EventEmitter {
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private greeted?: () => void;

  private constructor(private readonly socket: Socket) {
    super();
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => this.onText(text));
    socket.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('QMP connection closed'));
      this.pending.clear();
      this.emit('close');
    });
    socket.on('error', (err) => this.emit('socket-error', err));
  }

  /**
   * Connects to QEMU's `-qmp unix:PATH,server=on,wait=off` socket and negotiates capabilities. QEMU answers
   * only once its main loop runs, i.e. after the machine (and the GDB stub) are set up.
   */
  static connect(path: string): Promise<QmpClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ path });
      const onError = (err: Error): void => reject(err);
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        const client = new QmpClient(socket);
        client.once('close', () => reject(new Error('QMP connection closed during greeting')));
        client.greeted = () => {
          client.execute('qmp_capabilities').then(() => resolve(client), reject);
        };
      });
    });
  }

  /** Runs a QMP command; resolves with its `return` value, rejects with QEMU's error description. */
  execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.write(JSON.stringify({ execute: command, arguments: args, id }) + '\n');
    });
  }

  /** Closes the session (QEMU keeps running). */
  close(): void {
    this.socket.destroy();
  }

  private onText(text: string): void {
    this.buffer += text;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line) this.onMessage(line);
    }
  }

  private onMessage(line: string): void {
    let msg: { QMP?: unknown; id?: number; return?: unknown; error?: { desc?: string }; event?: string };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch (err) {
      this.emit('socket-error', err);
      return;
    }
    if (msg.QMP !== undefined) {
      this.greeted?.();
      return;
    }
    if (msg.event !== undefined) {
      this.emit('event', msg);
      return;
    }
    const p = msg.id !== undefined ? this.pending.get(msg.id) : undefined;
    if (!p) return;
    this.pending.delete(msg.id!);
    if (msg.error) p.reject(new Error(msg.error.desc ?? 'QMP error'));
    else p.resolve(msg.return);
  }
}
