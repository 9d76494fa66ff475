// Keeps a simulated core from staying halted with no debugger attached: QEMU leaves the core halted when a GDB client
// goes away without detaching (a dropped link, a killed GDB), and a device in the field must run on.
import type { Logger } from '../../common/log';
import { detachStub } from '../rspDetach';
import { connectGdbSocket } from './gdbConnect';
import type { QmpClient } from './qmp';

/** How often the core is looked at. */
export const HALTED_WATCH_MS = 2000;

/** The running QEMU the watch looks at. */
export interface WatchedQemu {
  readonly qmp: QmpClient;
  /** Loopback port of its GDB stub. */
  readonly port: number;
}

/**
 * Looks every `periodMs` (and on check()) whether QEMU's core is halted while no client is connected to its GDB
 * stub; if so it resumes the core through a fresh stub connection and a detach, which also removes the breakpoints
 * the vanished debugger left in QEMU (a plain `cont` would run into the next one and halt again). A core halted
 * under a connected debugger (the agent's session, or a GDB on the gateway attached straight to the port) is left
 * alone: QEMU reports its stub's peer through QMP.
 */
export class HaltedWatch {
  private timer?: NodeJS.Timeout;
  private looking?: Promise<void>;

  constructor(
    private readonly qemu: () => WatchedQemu | undefined,
    private readonly log: Logger,
    private readonly periodMs = HALTED_WATCH_MS,
  ) {}

  /** Starts looking periodically (idempotent). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.check(), this.periodMs);
    this.timer.unref();
  }

  /** Stops looking; a look under way finishes. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Looks now (one look at a time); never rejects. */
  check(): Promise<void> {
    this.looking ??= this.look()
      .catch((err: Error) => this.log.warn('could not resume the halted core', { error: err.message }))
      .finally(() => (this.looking = undefined));
    return this.looking;
  }

  private async look(): Promise<void> {
    const qemu = this.qemu();
    if (!qemu) return;
    const status = ((await qemu.qmp.execute('query-status')) as { status?: string }).status;
    if (status !== 'debug' && status !== 'paused') return;
    if ((await stubClient(qemu.qmp)).attached) return;
    this.log.info('the core was left halted with no debugger attached; detaching its breakpoints and resuming');
    const socket = await connectGdbSocket('127.0.0.1', qemu.port);
    try {
      const outcome = await detachStub(socket, false, this.log);
      if (outcome === 'detached') return;
      // Resumed without the detach only when QEMU took our connection: if a debugger connected meanwhile, ours waits
      // behind it unanswered, and the core is that debugger's.
      if ((await stubClient(qemu.qmp)).port !== socket.localPort) {
        this.log.info('a debugger attached meanwhile; leaving the core to it');
        return;
      }
      this.log.warn('the stub did not take the detach; resuming without it', { outcome });
      await qemu.qmp.execute('cont');
    } finally {
      socket.destroy();
    }
  }
}

/** Whether a client is connected to QEMU's GDB stub, and its local port. Unknown (no `gdb` chardev) counts as attached. */
export async function stubClient(qmp: QmpClient): Promise<{ attached: boolean; port?: number }> {
  const chardevs = (await qmp.execute('query-chardev')) as { label: string; filename: string }[];
  const gdb = chardevs.find((c) => c.label === 'gdb');
  if (!gdb) return { attached: true };
  // Connected: "tcp:127.0.0.1:PORT,server=on <-> 127.0.0.1:PEER"; idle: "disconnected:tcp:…".
  const peer = / <-> .*:(\d+)$/.exec(gdb.filename);
  return peer ? { attached: true, port: Number(peer[1]) } : { attached: false };
}
