// The `sim` target: QEMU mps2-an505 (Cortex-M33) running a firmware ELF, supervised, with its UART and GDB stub.
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../../common/log';
import { readFirmwareInfo } from '../../platformio/firmwareInfo';
import type { FirmwareInfo, Target } from '../target';
import { StreamUart } from '../uart/streamUart';
import { TargetError } from './errors';
import { freeLoopbackPort } from './freePort';
import { HaltedWatch } from './haltedWatch';
import { connectGdbSocket } from './gdbConnect';
import { signalGroup, spawnGroup } from '../../common/processGroup';
import { QmpClient } from './qmp';
import { qemuArgs } from './qemuArgs';
import { RssiWalk } from './rssiWalk';

/** The board name the simulator reports. */
export const SIM_BOARD = 'stm32u5-sim';

/** How the simulator is run. */
export interface SimTargetOptions {
  /** Firmware ELF (e.g. `.pio/build/sim/firmware.elf`). */
  readonly firmware: string;
  readonly logger?: Logger;
  /** QEMU executable (default `qemu-system-arm` on PATH). */
  readonly qemuBinary?: string;
  /** How long QEMU may take to come up (default 15 s). */
  readonly startTimeoutMs?: number;
  /** First delay before restarting a crashed QEMU (default 1 s; doubles up to 30 s). */
  readonly restartDelayMs?: number;
  /** Source of the simulated signal strength. */
  readonly rssi?: RssiWalk;
}

type State = 'idle' | 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped';

const MAX_RESTART_DELAY_MS = 30_000;
const STABLE_RUN_MS = 60_000;
const BIND_RETRIES = 3;

interface Running {
  child: ChildProcess;
  qmp: QmpClient;
  port: number;
  startedAt: number;
}

/**
 * A simulated STM32U5-class device. start() boots QEMU on the firmware (running, not halted) and resolves when
 * its GDB stub listens; a QEMU that dies unexpectedly is restarted with backoff. Emits 'crashed' ({code,
 * signal}) and 'restarted' after a recovery, 'image' (FirmwareInfo) after installImage(), 'reset' when the core
 * reset (the firmware's own reset request or reset()): each a new boot of the firmware, which uptimeSec() counts from.
 *
 * A core left halted with no debugger attached (one that vanished without detaching, e.g. a dropped link) is
 * resumed: a device in the field keeps running (HaltedWatch, every 2 s and as the last connectGdb() socket closes).
 *
 * QEMU runs in a process group of its own: a Ctrl-C in the terminal reaches only this process, which then stops
 * QEMU itself (a QEMU killed by the terminal first would look like a crash and be restarted). It is killed if
 * this process exits without stopping it.
 */
export class SimTarget extends EventEmitter implements Target {
  readonly kind = 'sim' as const;
  /** The firmware's UART0; survives restarts and image installs. */
  readonly uart = new StreamUart();
  private readonly log: Logger;
  private readonly qemuBinary: string;
  private readonly rssiWalk: RssiWalk;
  private elf: string;
  private info: FirmwareInfo = { board: SIM_BOARD };
  private state: State = 'idle';
  private running?: Running;
  private workDir?: string;
  private restartDelay: number;
  private restartTimer?: NodeJS.Timeout;
  private openGdbSockets = 0;
  private readonly haltedWatch: HaltedWatch;
  private lastPort?: number;
  private bootedAt?: number;
  /** The QEMU boot under way (start, image install, crash restart), settled either way; stop() waits for it. */
  private booting?: Promise<void>;

  constructor(private readonly options: SimTargetOptions) {
    super();
    this.elf = options.firmware;
    this.log = (options.logger ?? silentLogger).child('sim');
    this.qemuBinary = options.qemuBinary ?? 'qemu-system-arm';
    this.rssiWalk = options.rssi ?? new RssiWalk();
    this.restartDelay = options.restartDelayMs ?? 1000;
    this.haltedWatch = new HaltedWatch(() => (this.state === 'running' ? this.running : undefined), this.log);
  }

  /** Loopback port of the GDB stub while running (for a local GDB: `target extended-remote :PORT`). */
  get gdbPort(): number | undefined {
    return this.running?.port;
  }

  /** QEMU's process id while running (for operators' tooling and supervision tests). */
  get pid(): number | undefined {
    return this.running?.child.pid;
  }

  /** The ELF QEMU runs. */
  get firmwarePath(): string {
    return this.elf;
  }

  /** Checks the firmware, boots QEMU and resolves once the GDB stub listens. */
  start(): Promise<void> {
    if (this.state !== 'idle')
      return Promise.reject(new TargetError('NOT_STARTED', 'the simulator was already started'));
    this.state = 'starting';
    return this.track(this.boot());
  }

  private async boot(): Promise<void> {
    try {
      this.info = { ...(await readFirmwareInfo(this.elf)), board: SIM_BOARD };
      this.workDir = await mkdtemp(join(tmpdir(), 'outpost-sim-'));
      await this.launch();
      this.state = 'running';
      this.haltedWatch.start();
    } catch (err) {
      this.state = 'stopped';
      await this.cleanupWorkDir();
      throw err;
    }
  }

  /**
   * Installs a new image the way a power cycle after flashing would: checks the ELF, stops QEMU, boots the new
   * image, resolves when its GDB stub listens. RAM does not survive; the UART object stays the same. If QEMU
   * cannot boot the new image, the previous one is booted again and the error is thrown.
   */
  async installImage(elfPath: string): Promise<FirmwareInfo> {
    this.requireRunning();
    const next = { ...(await readFirmwareInfo(elfPath)), board: SIM_BOARD };
    this.requireRunning(); // not stopped while the ELF was read
    await this.track(this.bootImage(elfPath, next));
    this.log.info('image installed', { version: next.version, buildId: next.buildId });
    this.emit('image', this.firmware());
    return this.firmware();
  }

  // Power-cycles QEMU onto `elfPath`, back onto the previous image if the new one does not start.
  private async bootImage(elfPath: string, next: FirmwareInfo): Promise<void> {
    const previous = { elf: this.elf, info: this.info };
    this.state = 'restarting';
    await this.shutdownQemu();
    try {
      this.elf = elfPath;
      this.info = next;
      await this.launch();
    } catch (err) {
      this.log.error('new image did not start; booting the previous one', { elf: elfPath });
      this.elf = previous.elf;
      this.info = previous.info;
      await this.launch();
      this.state = 'running';
      throw err;
    }
    this.state = 'running';
  }

  /** Resets the simulated core (like the reset button): the firmware boots again, QEMU keeps running. */
  async reset(): Promise<void> {
    await this.requireRunning().qmp.execute('system_reset');
  }

  async connectGdb(): Promise<Socket> {
    const { port } = this.requireRunning();
    const socket = await connectGdbSocket('127.0.0.1', port);
    this.openGdbSockets++;
    socket.once('close', () => {
      this.openGdbSockets--;
      if (this.openGdbSockets === 0) void this.haltedWatch.check();
    });
    return socket;
  }

  firmware(): FirmwareInfo {
    return { ...this.info };
  }

  rssi(): number {
    return this.rssiWalk.next();
  }

  /** Seconds since QEMU booted the firmware or its core last reset; undefined while QEMU is not running. */
  uptimeSec(): number | undefined {
    if (!this.running || this.bootedAt === undefined) return undefined;
    return (Date.now() - this.bootedAt) / 1000;
  }

  onBoot(listener: () => void): () => void {
    const events = ['image', 'restarted', 'reset'] as const;
    for (const e of events) this.on(e, listener);
    return () => events.forEach((e) => this.off(e, listener));
  }

  /** Stops QEMU (QMP quit, then signals) and removes its files. Safe to call more than once, and during start(). */
  async stop(): Promise<void> {
    // A QEMU still booting is let come up, then stopped: cut short, it would be left running with no owner.
    await this.booting;
    if (this.state === 'stopped') return;
    this.state = 'stopping';
    this.haltedWatch.stop();
    clearTimeout(this.restartTimer);
    await this.shutdownQemu();
    this.uart.detach();
    await this.cleanupWorkDir();
    this.state = 'stopped';
  }

  private requireRunning(): Running {
    if (this.state !== 'running' || !this.running) {
      throw new TargetError('NOT_STARTED', 'the simulator is not running; start() it first');
    }
    return this.running;
  }

  // Boots QEMU on the port it had before when it can (a local GDB keeps its address across restarts),
  // else on a fresh one, retrying when the chosen port was taken in the meantime.
  private async launch(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const port = attempt === 1 && this.lastPort !== undefined ? this.lastPort : await freeLoopbackPort();
      try {
        this.running = await this.spawnQemu(port);
        this.bootedAt = this.running.startedAt;
        this.lastPort = port;
        return;
      } catch (err) {
        const portTaken = err instanceof TargetError && /bind|in use/i.test(err.detail ?? '');
        if (!portTaken || attempt > BIND_RETRIES) throw err;
        this.log.warn('GDB port taken, retrying with another', { port });
      }
    }
  }

  private spawnQemu(port: number): Promise<Running> {
    const qmpSocket = join(this.workDir!, `qmp-${port}.sock`);
    const args = qemuArgs({ elf: this.elf, gdbPort: port, qmpSocket });
    this.log.debug('starting QEMU', { args });
    const child = spawnGroup(this.qemuBinary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const stderrTail: string[] = [];
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      for (const line of text.split('\n')) if (line.trim()) stderrTail.push(line.trim());
      stderrTail.splice(0, Math.max(0, stderrTail.length - 20));
    });
    this.uart.attach(child.stdout!, child.stdin!);
    const timeoutMs = this.options.startTimeoutMs ?? 15_000;

    return new Promise<Running>((resolve, reject) => {
      let settled = false;
      const fail = (err: TargetError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        signalGroup(child, 'SIGKILL');
        this.uart.detach();
        reject(err);
      };
      const deadline = setTimeout(
        () =>
          fail(new TargetError('QEMU_FAILED', `QEMU did not come up within ${timeoutMs} ms`, stderrTail.join('\n'))),
        timeoutMs,
      );
      child.once('error', (err: NodeJS.ErrnoException) => {
        fail(
          err.code === 'ENOENT'
            ? new TargetError(
                'QEMU_MISSING',
                `${this.qemuBinary} not found: install Debian's qemu-system-arm package (apt-get install qemu-system-arm)`,
              )
            : new TargetError('QEMU_FAILED', `cannot start ${this.qemuBinary}: ${err.message}`),
        );
      });
      child.once('exit', (code, signal) => {
        const last = stderrTail[stderrTail.length - 1] ?? `exit code ${code ?? signal}`;
        fail(new TargetError('QEMU_FAILED', `QEMU exited while starting: ${last}`, stderrTail.join('\n')));
      });
      const tryQmp = (): void => {
        if (settled) return;
        QmpClient.connect(qmpSocket).then(
          (qmp) => {
            if (settled) return qmp.close();
            settled = true;
            clearTimeout(deadline);
            child.removeAllListeners('exit');
            child.once('exit', (code, signal) => this.onQemuExit(child, code, signal));
            child.on('error', (err: Error) => this.log.warn('QEMU process error', { error: err.message }));
            qmp.on('socket-error', (err: Error) => this.log.warn('QMP error', { error: err.message }));
            qmp.on('event', (e: { event: string }) => {
              if (e.event !== 'RESET' || this.running?.qmp !== qmp) return;
              this.bootedAt = Date.now();
              this.emit('reset');
            });
            const running = { child, qmp, port, startedAt: Date.now() };
            this.log.info('QEMU running', { pid: child.pid, gdbPort: port, firmware: this.elf });
            resolve(running);
          },
          () => setTimeout(tryQmp, 50), // the socket appears while QEMU initialises
        );
      };
      tryQmp();
    });
  }

  private onQemuExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.running?.child !== child) return;
    const ranFor = Date.now() - this.running.startedAt;
    this.running.qmp.close();
    this.running = undefined;
    this.uart.detach();
    if (this.state !== 'running') return; // we asked for it
    this.log.warn('QEMU exited unexpectedly; restarting', { code, signal });
    this.emit('crashed', { code, signal });
    if (ranFor > STABLE_RUN_MS) this.restartDelay = this.options.restartDelayMs ?? 1000;
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    this.state = 'restarting';
    const delay = this.restartDelay;
    this.restartDelay = Math.min(this.restartDelay * 2, MAX_RESTART_DELAY_MS);
    this.restartTimer = setTimeout(() => {
      this.track(this.launch()).then(
        () => {
          if (this.state !== 'restarting') return void this.shutdownQemu();
          this.state = 'running';
          this.log.info('QEMU restarted');
          this.emit('restarted');
        },
        (err: Error) => {
          this.log.error('restarting QEMU failed', { error: err.message });
          if (this.state === 'restarting') this.scheduleRestart();
        },
      );
    }, delay);
  }

  // Asks QEMU to quit, then insists. Resolves when the process is gone.
  private async shutdownQemu(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    const { child, qmp } = running;
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    qmp.execute('quit').catch((err: Error) => this.log.debug('QMP quit', { error: err.message }));
    const escalate = setTimeout(() => signalGroup(child, 'SIGTERM'), 3000);
    const kill = setTimeout(() => signalGroup(child, 'SIGKILL'), 6000);
    await exited;
    clearTimeout(escalate);
    clearTimeout(kill);
    qmp.close();
    this.uart.detach();
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.booting = work.then(
      () => undefined,
      () => undefined, // the caller of the boot handles its failure
    );
    return work;
  }

  private async cleanupWorkDir(): Promise<void> {
    if (this.workDir) await rm(this.workDir, { recursive: true, force: true });
    this.workDir = undefined;
  }
}
