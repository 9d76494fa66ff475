// Integration-test access to the real `outpost` CLI bundle: built once per test process, run as child processes.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import './knownDevicesIsolation';

const root = path.resolve(__dirname, '..', '..');
let built: Promise<string> | undefined;

/**
 * Path of an `outpost.js` built from the current sources. $OUTPOST_CLI wins (e.g. a CI that built dist/ once);
 * otherwise the CLI bundle is built into a folder of this test process, so parallel suites never run a bundle
 * another suite is rewriting.
 */
export function outpostCli(): Promise<string> {
  if (process.env.OUTPOST_CLI) return Promise.resolve(path.resolve(process.env.OUTPOST_CLI));
  built ??= (async () => {
    // Inside the repository so the bundle's externals (better-sqlite3) resolve from node_modules.
    const out = path.join(root, '.outpost', 'test-builds', `cli-${process.pid}`);
    fs.rmSync(out, { recursive: true, force: true });
    process.once('exit', () => fs.rmSync(out, { recursive: true, force: true }));
    const webpack = path.join(root, 'node_modules', 'webpack', 'bin', 'webpack.js');
    await promisify(execFile)(
      process.execPath,
      [webpack, '--mode', 'development', '--config-name', 'cli', '--output-path', out],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
    );
    return path.join(out, 'outpost.js');
  })();
  return built;
}

/** What a finished CLI run printed and how it exited. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `outpost ARGS…` to completion (HOME points at an empty folder unless env says otherwise). */
export async function runOutpost(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const cli = await outpostCli();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: options.cwd ?? root,
      env: { ...isolatedEnv(), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`outpost ${args.join(' ')} did not finish; stderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let emptyHome: string | undefined;

/** The test process's environment without Outpost settings, with HOME at an empty folder (no config file). */
export function isolatedEnv(): NodeJS.ProcessEnv {
  emptyHome ??= fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-home-'));
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: emptyHome, XDG_CONFIG_HOME: '' };
  delete env.OUTPOST_RELAY;
  delete env.OUTPOST_KEY;
  return env;
}

/** A long-running `outpost` process (relay, agent, …) and its output so far. */
export interface OutpostProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `pattern` (rejects if the process exits first). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** The same for stderr, where a relay or agent logs: a log line may trail what the test saw happen. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code; SIGKILL after a grace period. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /**
   * Ctrl-C as a terminal sends it: SIGINT to the process's whole process group (it leads one, as a shell job
   * does), then resolves with the exit code like stop().
   */
  interrupt(): Promise<number | null>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((c) => c.kill('SIGKILL')));

/**
 * Starts `outpost ARGS…` in the background, in a process group of its own like a shell job. Tests must stop() it
 * in an after hook.
 */
export async function startOutpost(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<OutpostProcess> {
  const cli = await outpostCli();
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: options.cwd ?? root,
    env: { ...isolatedEnv(), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const stopWith = async (send: () => void): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    send();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  // The first match of `pattern` in what the process printed on `stream` so far or prints before the timeout.
  const waitOn = (stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const source = child[stream]!;
      const text = (): string => (stream === 'stdout' ? out : err);
      const check = (): boolean => {
        const m = text().match(pattern);
        if (m) {
          cleanup();
          resolve(m);
        }
        return m !== null;
      };
      const onExit = (code: number | null): void => {
        cleanup();
        reject(
          new Error(`outpost ${args[0]} exited (${code}) before printing ${pattern}; stderr: ${err.slice(-2000)}`),
        );
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `outpost ${args[0]} did not print ${pattern}; stdout: ${out.slice(-500)} stderr: ${err.slice(-2000)}`,
          ),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        source.off('data', check);
        child.off('exit', onExit);
      };
      if (check()) return;
      source.on('data', check);
      child.once('exit', onExit);
    });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor: (pattern, timeoutMs) => waitOn('stdout', pattern, timeoutMs),
    waitForStderr: (pattern, timeoutMs) => waitOn('stderr', pattern, timeoutMs),
    stop: (signal = 'SIGTERM') => stopWith(() => child.kill(signal)),
    interrupt: () => stopWith(() => process.kill(-child.pid!, 'SIGINT')),
  };
}
