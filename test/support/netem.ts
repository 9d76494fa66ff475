// An emulated cellular link for tests and benchmarks: scripts/netem.sh driven from TypeScript, torn down on exit.
import { execFile, execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

/** The script that builds and shapes the link. */
export const NETEM_SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'netem.sh');

/** Where netem.sh keeps each link's shape. */
const STATE_DIR = '/run/outpost-netem';

/** How the link behaves, per direction (the round trip is twice the delay). Unset fields keep their value. */
export interface LinkShape {
  delayMs?: number;
  /** Uniform ± jitter around the delay; reorders packets, as netem does. */
  jitterMs?: number;
  /** Random loss of each packet, in percent (0.5 = one in 200). */
  lossPercent?: number;
  /** Serialisation rate in kbit/s; 0 = unlimited. */
  rateKbit?: number;
  /** Packets the link queues per direction before it drops. */
  limitPackets?: number;
}

/** How a cut stops traffic: 100 % loss both ways (connections see silence), or side B's interface down. */
export type CutMode = 'loss' | 'down';

/** One end of the link: its network namespace and its address on the link. */
export interface LinkSide {
  namespace: string;
  address: string;
}

/** The sides of a link: relay-like services usually on `a`, devices on `b`. */
export type SideName = 'a' | 'b';

const NAME_RE = /^[a-z0-9][a-z0-9-]{0,29}$/;

function num(what: string, n: number, max: number): string {
  if (!Number.isFinite(n) || n < 0 || n > max) throw new RangeError(`${what} ${n} is outside 0..${max}`);
  return String(Math.round(n * 1000) / 1000);
}

/** The shape options of `netem.sh up|set`, e.g. `--delay 75ms --loss 0.5%`. Throws RangeError on nonsense. */
export function shapeArgs(shape: LinkShape): string[] {
  const out: string[] = [];
  if (shape.delayMs !== undefined) out.push('--delay', `${num('delay', shape.delayMs, 60_000)}ms`);
  if (shape.jitterMs !== undefined) out.push('--jitter', `${num('jitter', shape.jitterMs, 60_000)}ms`);
  if (shape.lossPercent !== undefined) out.push('--loss', `${num('loss', shape.lossPercent, 100)}%`);
  if (shape.rateKbit !== undefined)
    out.push('--rate', shape.rateKbit === 0 ? 'none' : `${num('rate', shape.rateKbit, 100_000_000)}kbit`);
  if (shape.limitPackets !== undefined) {
    if (!Number.isInteger(shape.limitPackets) || shape.limitPackets < 1 || shape.limitPackets > 9_999_999)
      throw new RangeError(`limit ${shape.limitPackets} is not a packet count`);
    out.push('--limit', String(shape.limitPackets));
  }
  return out;
}

/** The full argument list of one `netem.sh` call. */
export function netemArgs(
  command: 'up' | 'set' | 'cut' | 'restore' | 'down' | 'show',
  name: string,
  extra: { shape?: LinkShape; mode?: CutMode } = {},
): string[] {
  if (!NAME_RE.test(name)) throw new RangeError(`link name "${name}" is not 1-30 characters of a-z, 0-9 and -`);
  const args = [command, name];
  if (command === 'up' || command === 'set') args.push(...shapeArgs(extra.shape ?? {}));
  if (command === 'cut') args.push('--mode', extra.mode ?? 'loss');
  return args;
}

/** A link name no other run on this machine uses: prefix, this process, random bits (namespaces NAME-a, NAME-b). */
export function uniqueLinkName(prefix = 'op'): string {
  const name = `${prefix}-${process.pid.toString(36)}-${randomBytes(3).toString('hex')}`;
  if (!NAME_RE.test(name)) throw new RangeError(`link name prefix "${prefix}" makes a bad name`);
  return name;
}

/** Whether links can be made here (root and iproute2); the reason when not, for a test's skip message. */
export function linkSupport(): { ok: true } | { ok: false; reason: string } {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'emulated links need root (network namespaces)' };
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
    execFileSync('tc', ['-V'], { stdio: 'ignore' });
  } catch {
    return { ok: false, reason: 'emulated links need iproute2 (ip, tc)' };
  }
  return { ok: true };
}

const run = promisify(execFile);
const live = new Set<string>();
// A run that dies before its after hooks still removes its namespaces (and the tun backend's link process).
process.once('exit', () => {
  for (const name of live) {
    try {
      execFileSync('bash', [NETEM_SCRIPT, 'down', name], { stdio: 'ignore', timeout: 10_000 });
    } catch {
      // Exiting anyway; `scripts/netem.sh down NAME` by hand removes what is left.
    }
  }
});

async function netem(args: string[]): Promise<string> {
  try {
    return (await run('bash', [NETEM_SCRIPT, ...args], { timeout: 30_000 })).stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(stderr || (err as Error).message);
  }
}

/**
 * A link between namespaces `<name>-a` (10.77.0.1) and `<name>-b` (10.77.0.2). Make one with `EmulatedLink.up`,
 * run programs on either side with `spawn`, shape or cut it mid-run, and `down()` it in an after hook (also
 * kills what `spawn` started). A process that exits without `down()` still removes the namespaces.
 */
export class EmulatedLink {
  readonly a: LinkSide;
  readonly b: LinkSide;
  private readonly children = new Set<ChildProcess>();
  private isDown = false;

  private constructor(readonly name: string) {
    this.a = { namespace: `${name}-a`, address: '10.77.0.1' };
    this.b = { namespace: `${name}-b`, address: '10.77.0.2' };
  }

  /** Builds the link with `shape` under a fresh unique name (or `options.name`). */
  static async up(shape: LinkShape, options: { name?: string } = {}): Promise<EmulatedLink> {
    const link = new EmulatedLink(options.name ?? uniqueLinkName());
    live.add(link.name);
    try {
      await netem(netemArgs('up', link.name, { shape }));
    } catch (err) {
      await link.down();
      throw err;
    }
    return link;
  }

  /** Side `a` or `b`. */
  side(which: SideName): LinkSide {
    return which === 'a' ? this.a : this.b;
  }

  /** Which backend carries the link: the kernel's netem on a veth pair, or the userspace link over TUN devices. */
  backend(): 'netem' | 'tun' | undefined {
    try {
      const state = fs.readFileSync(path.join(STATE_DIR, this.name), 'utf8');
      const found = /^backend=(netem|tun)$/m.exec(state);
      return found ? (found[1] as 'netem' | 'tun') : undefined;
    } catch {
      return undefined; // not up
    }
  }

  /** Changes the shape; unset fields keep their value. */
  async set(shape: LinkShape): Promise<void> {
    await netem(netemArgs('set', this.name, { shape }));
  }

  /** Stops all traffic until restore(). */
  async cut(mode: CutMode = 'loss'): Promise<void> {
    await netem(netemArgs('cut', this.name, { mode }));
  }

  /** Undoes cut(): the link as last shaped. */
  async restore(): Promise<void> {
    await netem(netemArgs('restore', this.name));
  }

  /** Starts `command args` inside side `which`'s namespace (`ip netns exec`); down() kills it if still running. */
  spawn(which: SideName, command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    if (this.isDown) throw new Error(`link ${this.name} is down`);
    const child = spawn('ip', ['netns', 'exec', this.side(which).namespace, command, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  /** Runs `command args` to completion inside side `which`; its output and exit code. */
  exec(
    which: SideName,
    command: string,
    args: string[],
    timeoutMs = 60_000,
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = this.spawn(which, command, args);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${command} ${args.join(' ')} in ${this.side(which).namespace} did not finish: ${stderr}`));
      }, timeoutMs);
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** Kills what spawn() started, then removes both namespaces. Safe to call twice. */
  async down(): Promise<void> {
    if (this.isDown) return;
    this.isDown = true;
    await Promise.all([...this.children].map((c) => stopChild(c)));
    await netem(netemArgs('down', this.name));
    live.delete(this.name);
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
