// Integration harness for the debugger: the sample firmware under QEMU, the bundled stdio adapter and a DAP client.
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { freeLoopbackPort } from '../../src/agent/targets/freePort';
import { buildSimFirmware } from '../../src/platformio/simBuild';

const run = promisify(execFile);
const tempDirs: string[] = [];
// Builds are shared by every suite in the run, so they go when the process does.
process.once('exit', () => tempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
export const repoRoot = resolve(__dirname, '..', '..');
export const sampleProject = join(repoRoot, 'examples', 'u5-sensor');
export const resultsDir = join(repoRoot, 'test-results', 'debug');

let adapterBuild: Promise<string> | undefined;

/** A private copy of the adapter bundle, built once per test run, so parallel builds of dist/ cannot race these tests. */
export function buildAdapter(): Promise<string> {
  adapterBuild ??= buildAdapterNow();
  return adapterBuild;
}

async function buildAdapterNow(): Promise<string> {
  // Inside the repository, so the bundle's externals (better-sqlite3, ws addons) resolve from node_modules.
  mkdirSync(join(repoRoot, 'test-results', 'bundles'), { recursive: true });
  const out = mkdtempSync(join(repoRoot, 'test-results', 'bundles', 'cli-'));
  tempDirs.push(out);
  await run('npx', ['webpack', '--mode', 'development', '--config-name', 'cli', '--output-path', out], {
    cwd: repoRoot,
  });
  return join(out, 'debugAdapter.js');
}

const firmwareBuilds = new Map<string, Promise<{ elf: string; buildId: string }>>();

/** Builds the sample firmware (once per version per run) into a private folder and returns its ELF. */
export function buildFirmware(version?: string): Promise<{ elf: string; buildId: string }> {
  const key = version ?? 'default';
  let build = firmwareBuilds.get(key);
  if (!build) {
    build = buildFirmwareNow(version);
    firmwareBuilds.set(key, build);
  }
  return build;
}

async function buildFirmwareNow(version?: string): Promise<{ elf: string; buildId: string }> {
  const outDir = mkdtempSync(join(tmpdir(), 'outpost-fw-'));
  tempDirs.push(outDir);
  const r = await buildSimFirmware({ projectDir: sampleProject, outDir, version });
  return { elf: r.elf, buildId: r.buildId };
}

const ERASE_LINE = String.fromCharCode(27) + '[K';

/** A console line as a person reads it: without the firmware's line-redraw escapes. */
export function consoleText(raw: string): string {
  return raw.split(ERASE_LINE).join('').replace(/^.*\r/, '');
}

const running = new Set<ChildProcessWithoutNullStreams>();
// A test run that dies half way must not leave emulators behind.
process.once('exit', () => running.forEach((c) => c.kill('SIGKILL')));

/** The lines a device printed, in order, and waits for one that matches. */
export class LineLog {
  readonly lines: string[] = [];
  private waiters: Array<{ re: RegExp; resolve(l: string): void }> = [];

  /** `source` names where the lines come from, for timeout messages ("UART", "logs channel"). */
  constructor(private readonly source: string) {}

  push(line: string): void {
    this.lines.push(line);
    this.waiters = this.waiters.filter((w) => {
      if (!w.re.test(line)) return true;
      w.resolve(line);
      return false;
    });
  }

  /** Resolves with the first line matching `re` printed after call time (or already since `fromLine`). */
  waitFor(re: RegExp, timeoutMs = 15_000, fromLine = this.lines.length): Promise<string> {
    const seen = this.lines.slice(fromLine).find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolvePromise, reject) => {
      const waiter = {
        re,
        resolve: (l: string) => {
          clearTimeout(timer);
          resolvePromise(l);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${this.source} line matching ${re} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}

/** QEMU running the firmware with its GDB stub on an ephemeral loopback port and UART0 on stdio. */
export class SimDevice {
  private readonly log = new LineLog('UART');
  private partial = '';

  private constructor(
    readonly child: ChildProcessWithoutNullStreams,
    readonly gdbPort: number,
  ) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split(/\r?\n/);
      this.partial = parts.pop() ?? '';
      for (const raw of parts) this.log.push(consoleText(raw));
    });
  }

  /** Every UART line so far. */
  get lines(): readonly string[] {
    return this.log.lines;
  }

  /** Starts QEMU (running, not halted) and waits for the firmware's `ready` line. */
  static async start(elf: string): Promise<SimDevice> {
    // The free port may be taken again before QEMU binds it (other suites run in parallel): try a few.
    for (let attempt = 1; ; attempt++) {
      const port = await freeLoopbackPort();
      const args = [
        '-M',
        'mps2-an505',
        '-display',
        'none',
        '-monitor',
        'none',
        '-chardev',
        'stdio,id=uart0,signal=off',
      ];
      args.push('-serial', 'chardev:uart0', '-kernel', elf, '-gdb', `tcp:127.0.0.1:${port}`);
      const child = spawn('qemu-system-arm', args);
      const dev = new SimDevice(child, port);
      running.add(child);
      child.once('exit', () => running.delete(child));
      const exited = new Promise<'exited'>((r) => child.once('exit', () => r('exited')));
      const outcome = await Promise.race([dev.waitFor(/\bready\b/, 20_000), exited]);
      if (outcome !== 'exited') return dev;
      if (attempt >= 3) throw new Error(`qemu-system-arm exited before the firmware was ready (port ${port})`);
    }
  }

  /** Resolves with the first UART line matching `re` printed after call time (or already since `fromLine`). */
  waitFor(re: RegExp, timeoutMs = 15_000, fromLine = this.lines.length): Promise<string> {
    return this.log.waitFor(re, timeoutMs, fromLine);
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
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<{ dc: DebugClient; logFile: string; stops: EventQueue<DebugProtocol.StoppedEvent> }> {
  mkdirSync(resultsDir, { recursive: true });
  const logFile = join(resultsDir, testName.replace(/[^\w.-]+/g, '_') + '.log');
  writeFileSync(logFile, `# ${testName}\n`);
  const dc = new DebugClient(
    'node',
    adapterJs,
    'outpost',
    { env: { ...process.env, OUTPOST_LOG_LEVEL: 'error', ...options.env } },
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

/** Ends the client and its adapter; an adapter that already exited after a disconnect is not waited for. */
export async function stopClient(dc: DebugClient): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((r) => (timer = setTimeout(r, 3000)));
  await Promise.race([dc.stop(), late]);
  clearTimeout(timer);
  (dc as unknown as { stopAdapter(): void }).stopAdapter();
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

/** The line of the first occurrence of `text` in a source file of the sample firmware (1-based). */
export function lineOf(file: string, text: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`"${text}" not found in ${file}`);
  return i + 1;
}
