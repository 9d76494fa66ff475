// Integration harness for the debugger: the sample firmware under QEMU, the bundled stdio adapter and a DAP client.
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { freeLoopbackPort } from '../../src/agent/targets/freePort';
import { buildSimFirmware } from '../../src/platformio/simBuild';

const run = promisify(execFile);
export const repoRoot = resolve(__dirname, '..', '..');
export const sampleProject = join(repoRoot, 'examples', 'u5-sensor');
export const resultsDir = join(repoRoot, 'test-results', 'debug');

/** A private copy of the adapter bundle, so parallel builds of dist/ by other suites cannot race these tests. */
export async function buildAdapter(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'outpost-adapter-'));
  await run('npx', ['webpack', '--mode', 'development', '--config-name', 'cli', '--output-path', out], {
    cwd: repoRoot,
  });
  return join(out, 'debugAdapter.js');
}

/** Builds the sample firmware into a private folder (optionally another version) and returns its ELF path. */
export async function buildFirmware(version?: string): Promise<{ elf: string; buildId: string }> {
  const outDir = mkdtempSync(join(tmpdir(), 'outpost-fw-'));
  const r = await buildSimFirmware({ projectDir: sampleProject, outDir, version });
  return { elf: r.elf, buildId: r.buildId };
}

/** QEMU running the firmware with its GDB stub on an ephemeral loopback port and UART0 on stdio. */
export class SimDevice {
  readonly lines: string[] = [];
  private partial = '';
  private waiters: Array<{ re: RegExp; from: number; resolve(l: string): void }> = [];

  private constructor(
    readonly child: ChildProcessWithoutNullStreams,
    readonly gdbPort: number,
  ) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split(/\r?\n/);
      this.partial = parts.pop() ?? '';
      for (const raw of parts) {
        // Drop the console's line-redraw escapes; keep the text.
        const line = raw.replace(/\x1b\[K/g, '').replace(/^.*\r/, '');
        this.lines.push(line);
        this.waiters = this.waiters.filter((w) => {
          if (!w.re.test(line)) return true;
          w.resolve(line);
          return false;
        });
      }
    });
  }

  /** Starts QEMU (running, not halted) and waits for the firmware's `ready` line. */
  static async start(elf: string): Promise<SimDevice> {
    const port = await freeLoopbackPort();
    const child = spawn('qemu-system-arm', [
      '-M',
      'mps2-an505',
      '-display',
      'none',
      '-monitor',
      'none',
      '-chardev',
      'stdio,id=uart0,signal=off',
      '-serial',
      'chardev:uart0',
      '-kernel',
      elf,
      '-gdb',
      `tcp:127.0.0.1:${port}`,
    ]);
    const dev = new SimDevice(child, port);
    await dev.waitFor(/\bready\b/, 20_000);
    return dev;
  }

  /** Resolves with the first line matching `re` printed after call time (or already since `fromLine`). */
  waitFor(re: RegExp, timeoutMs = 15_000, fromLine = this.lines.length): Promise<string> {
    const seen = this.lines.slice(fromLine).find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no UART line matching ${re} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        re,
        from: fromLine,
        resolve: (l) => {
          clearTimeout(timer);
          resolvePromise(l);
        },
      });
    });
  }

  /** Types a line into the firmware's console. */
  type(text: string): void {
    this.child.stdin.write(text + '\r');
  }

  /** Kills QEMU and waits for it to go. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await gone;
  }
}

/** Queues events of one kind from the moment it is made, so a fast adapter cannot outrun the test. */
export class EventQueue<E extends DebugProtocol.Event> {
  private readonly seen: E[] = [];
  private waiting: Array<(e: E) => void> = [];

  constructor(dc: DebugClient, event: string) {
    dc.on(event, (e: E) => {
      const w = this.waiting.shift();
      if (w) w(e);
      else this.seen.push(e);
    });
  }

  /** The next event (already queued or yet to come). */
  next(timeoutMs = 15_000): Promise<E> {
    const queued = this.seen.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== done);
        reject(new Error(`no event within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (e: E): void => {
        clearTimeout(timer);
        resolvePromise(e);
      };
      this.waiting.push(done);
    });
  }

  /** Events received and not yet taken. */
  get pending(): number {
    return this.seen.length;
  }
}

/** A DAP client on a fresh adapter process whose DAP output and MI trace go to test-results/debug/NAME.log. */
export async function startClient(
  adapterJs: string,
  testName: string,
): Promise<{ dc: DebugClient; logFile: string; stops: EventQueue<DebugProtocol.StoppedEvent> }> {
  mkdirSync(resultsDir, { recursive: true });
  const logFile = join(resultsDir, testName.replace(/[^\w.-]+/g, '_') + '.log');
  writeFileSync(logFile, `# ${testName}\n`);
  const dc = new DebugClient(
    'node',
    adapterJs,
    'outpost',
    { env: { ...process.env, OUTPOST_LOG_LEVEL: 'warn' } },
    true,
  );
  await dc.start();
  dc.on('output', (e: DebugProtocol.OutputEvent) =>
    appendFileSync(logFile, `[${e.body.category ?? 'console'}] ${e.body.output}`),
  );
  dc.on('stopped', (e: DebugProtocol.StoppedEvent) =>
    appendFileSync(logFile, `[event] stopped ${JSON.stringify(e.body)}\n`),
  );
  return { dc, logFile, stops: new EventQueue<DebugProtocol.StoppedEvent>(dc, 'stopped') };
}

/** Base attributes of an attach to the simulated device. */
export function attachArgs(
  dev: SimDevice,
  elf: string,
  logFile: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    gdbTarget: `127.0.0.1:${dev.gdbPort}`,
    stubKind: 'qemu',
    executable: elf,
    traceFile: logFile + '.mi',
    ...extra,
  };
}

/** Removes a temporary folder made by this harness. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
