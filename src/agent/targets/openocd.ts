// The `openocd:CFG` target: the agent starts OpenOCD with a private GDB port and restarts it when it exits.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { silentLogger, type Logger } from '../../common/log';
import type { FirmwareInfo, Target } from '../target';
import { SerialUart } from '../uart/serialPort';
import { TargetError } from './errors';
import { freeLoopbackPort } from './freePort';
import { connectGdbSocket } from './gdbConnect';
import { startGateway, type GatewayTargetOptions } from './gdbServer';
import { OPENOCD_LISTENING, openocdArgs } from './openocdArgs';

/** Options of the OpenOCD target. */
export interface OpenocdTargetOptions extends GatewayTargetOptions {
  /** OpenOCD executable (default `openocd` on PATH). */
  readonly openocdBinary?: string;
  /** How long OpenOCD may take to reach the probe and listen (default 20 s). */
  readonly startTimeoutMs?: number;
  /** First delay before restarting OpenOCD after it exits (default 2 s; doubles up to 60 s). */
  readonly restartDelayMs?: number;
}

const MAX_RESTART_DELAY_MS = 60_000;

/**
 * Runs `openocd -f CFG…` bound to loopback. start() resolves when OpenOCD listens for GDB and rejects with
 * OPENOCD_EXITED (and OpenOCD's last error line: no probe, wrong config) if it exits first. Later exits (probe
 * unplugged, board power-cycled) are restarted with backoff.
 */
export class OpenocdTarget implements Target {
  readonly kind = 'openocd' as const;
  readonly uart?: SerialUart;
  private readonly log: Logger;
  private child?: ChildProcess;
  private port?: number;
  private info: FirmwareInfo = {};
  private stopping = false;
  private restartDelay: number;
  private restartTimer?: NodeJS.Timeout;

  constructor(
    readonly configFiles: readonly string[],
    private readonly options: OpenocdTargetOptions = {},
  ) {
    this.log = (options.logger ?? silentLogger).child('openocd');
    if (options.serial) this.uart = new SerialUart(options.serial);
    if (options.board) this.info.board = options.board;
    this.restartDelay = options.restartDelayMs ?? 2000;
  }

  /** OpenOCD's GDB port while it runs. */
  get gdbPort(): number | undefined {
    return this.child ? this.port : undefined;
  }

  async start(): Promise<void> {
    this.stopping = false;
    await this.launch();
    try {
      await startGateway(this.options, this.uart, (facts) => {
        this.info = { ...this.info, ...facts, ...(this.options.board ? { board: this.options.board } : {}) };
      });
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  connectGdb(): Promise<Socket> {
    if (!this.child || this.port === undefined) {
      return Promise.reject(new TargetError('NOT_STARTED', 'OpenOCD is not running (yet); it restarts on its own'));
    }
    return connectGdbSocket('127.0.0.1', this.port);
  }

  firmware(): FirmwareInfo {
    return { ...this.info };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.uart?.close();
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(kill);
  }

  private async launch(): Promise<void> {
    const port = this.port ?? (await freeLoopbackPort());
    const binary = this.options.openocdBinary ?? 'openocd';
    const args = openocdArgs(this.configFiles, port);
    this.log.debug('starting OpenOCD', { args });
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const timeoutMs = this.options.startTimeoutMs ?? 20_000;

    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (err?: TargetError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (err) {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          reject(err);
        } else {
          resolve();
        }
      };
      const deadline = setTimeout(
        () =>
          finish(
            new TargetError('OPENOCD_EXITED', `OpenOCD did not listen for GDB within ${timeoutMs} ms`, tail.join('\n')),
          ),
        timeoutMs,
      );
      const onText = (text: string): void => {
        for (const line of text.split('\n')) {
          if (!line.trim()) continue;
          tail.push(line.trim());
          if (tail.length > 30) tail.shift();
          this.log.debug('openocd', { line: line.trim() });
          if (OPENOCD_LISTENING.test(line)) finish();
        }
      };
      child.stdout!.setEncoding('utf8').on('data', onText);
      child.stderr!.setEncoding('utf8').on('data', onText);
      child.once('error', (err: NodeJS.ErrnoException) =>
        finish(
          err.code === 'ENOENT'
            ? new TargetError(
                'OPENOCD_MISSING',
                `${binary} not found: install Debian's openocd package (apt-get install openocd)`,
              )
            : new TargetError('OPENOCD_EXITED', `cannot start ${binary}: ${err.message}`),
        ),
      );
      child.once('exit', (code, signal) => {
        const last = [...tail].reverse().find((l) => /error/i.test(l)) ?? tail[tail.length - 1] ?? '';
        finish(
          new TargetError(
            'OPENOCD_EXITED',
            `OpenOCD exited early (${code !== null ? `code ${code}` : signal})${last ? `: ${last}` : ''}; check the probe and the config`,
            tail.join('\n'),
          ),
        );
        this.onExit(child, code, signal);
      });
    });
    this.child = child;
    this.port = port;
    this.restartDelay = this.options.restartDelayMs ?? 2000;
    this.log.info('OpenOCD listening', { pid: child.pid, gdbPort: port });
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = undefined;
    if (this.stopping) return;
    this.log.warn('OpenOCD exited; restarting', { code, signal, inMs: this.restartDelay });
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delay = this.restartDelay;
    this.restartDelay = Math.min(delay * 2, MAX_RESTART_DELAY_MS);
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      this.launch().then(
        () => (this.stopping ? this.stop() : undefined),
        (err: Error) => {
          this.log.error('restarting OpenOCD failed', { error: err.message });
          if (!this.stopping) this.scheduleRestart();
        },
      );
    }, delay);
  }
}
