// Starts a local code-server (VS Code in the browser) with the Outpost extension installed, for `outpost demo` and UI tests.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { silentLogger, type Logger } from '../../common/log';
import { spawnGroup, stopProcessGroup } from '../../common/processGroup';
import { CliError } from '../errors';
import { writeUserSettings } from './codeServerSettings';
import { waitForUrl } from './serverReady';

/** Where scripts/setup-code-server.sh installs code-server, relative to the project root. */
export const CODE_SERVER_INSTALL_DIR = '.tools/code-server';
const ENTRY = 'node_modules/code-server/out/node/entry.js';

/** What startCodeServer needs. Directories are created when missing. */
export interface CodeServerOptions {
  /** Loopback port to listen on; 0 picks a free one (tests), the URL tells which. */
  port: number;
  /** The folder VS Code opens as its workspace. */
  folder: string;
  /** VS Code's user data (settings, state, logs). A fresh one per test run keeps runs independent. */
  userDataDir: string;
  /** Where extensions are installed. */
  extensionsDir: string;
  /** Packaged extensions (.vsix) installed, replacing any installed version, before the server starts. */
  vsix?: string | readonly string[];
  /** User settings on top of Outpost's defaults (see codeServerSettings.ts), e.g. `{ 'outpost.relay': url }`. */
  settings?: Record<string, unknown>;
  /** Environment for the server and so for the extension host, over the parent's; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** code-server's install folder; default: found from this file upwards, or $OUTPOST_CODE_SERVER_DIR. */
  installDir?: string;
  /** Gets code-server's own output lines at debug level. */
  log?: Logger;
  /** How long to wait for the server to answer, in ms (default 60 s). */
  startTimeoutMs?: number;
}

/** A running code-server. */
export interface CodeServerHandle {
  /** The workbench address, e.g. `http://127.0.0.1:41234/`; opening it shows the workspace folder. */
  url: string;
  /** The process id (also the process group id). */
  pid: number;
  /** Stops the server and everything it started (extension host, terminals' pty host, watchers). Idempotent. */
  stop(): Promise<void>;
}

/**
 * Finds code-server's entry script: $OUTPOST_CODE_SERVER_DIR, else `.tools/code-server` in the nearest folder
 * above `from` that has one (works from src/ under tsx and from dist/ in the bundle).
 */
export function findCodeServerEntry(
  from: string = __dirname,
  installDir = process.env.OUTPOST_CODE_SERVER_DIR,
): string {
  const candidates: string[] = [];
  if (installDir) candidates.push(path.resolve(installDir, ENTRY));
  else
    for (let dir = from; ; dir = path.dirname(dir)) {
      candidates.push(path.join(dir, CODE_SERVER_INSTALL_DIR, ENTRY));
      if (path.dirname(dir) === dir) break;
    }
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new CliError('code-server is not installed; run `bash scripts/setup-code-server.sh` first');
  return found;
}

/** Installs the vsix (if any), writes settings, starts code-server on 127.0.0.1 with no auth and waits until it serves. */
export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServerHandle> {
  const log = opts.log ?? silentLogger;
  const entry = findCodeServerEntry(undefined, opts.installDir);
  await Promise.all([opts.userDataDir, opts.extensionsDir].map((d) => mkdir(d, { recursive: true })));
  await writeUserSettings(opts.userDataDir, opts.settings);
  const common = [
    '--user-data-dir',
    opts.userDataDir,
    '--extensions-dir',
    opts.extensionsDir,
    // Its own config file, so nothing is written to ~/.config/code-server.
    '--config',
    path.join(opts.userDataDir, 'config.yaml'),
  ];
  const env = serverEnv(opts.env);
  const vsix = typeof opts.vsix === 'string' ? [opts.vsix] : (opts.vsix ?? []);
  if (vsix.length > 0) await installExtensions(entry, common, env, vsix);

  const args = [
    entry,
    ...common,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${opts.port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    opts.folder,
  ];
  // Its own process group, so stop() can end the extension host and helpers with it.
  const child = spawnGroup(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = (): Promise<void> => stopProcessGroup(child);
  try {
    const url = await waitForUrl(
      'code-server',
      child,
      /HTTP server listening on (http:\/\/\S+)/,
      opts.startTimeoutMs ?? 60_000,
      (l) => log.debug('code-server', { line: l }),
    );
    log.info('code-server ready', { url });
    return { url, pid: child.pid!, stop };
  } catch (err) {
    await stop();
    if (err instanceof Error && /EADDRINUSE/.test(err.message)) {
      throw new CliError(`port ${opts.port} on 127.0.0.1 is already in use; pick another port`);
    }
    throw err;
  }
}

/** The parent's environment without VS Code's own variables: inside a VS Code terminal they would make
 * code-server hand `--install-extension` to that outer VS Code instead of doing it. */
function serverEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries({ ...process.env, ...extra })) {
    if (v !== undefined && !/^(VSCODE_|ELECTRON_RUN_AS_NODE$)/.test(k)) env[k] = v;
  }
  return env;
}

async function installExtensions(
  entry: string,
  common: string[],
  env: NodeJS.ProcessEnv,
  vsix: readonly string[],
): Promise<void> {
  const missing = vsix.find((v) => !existsSync(v));
  if (missing) throw new CliError(`extension package ${missing} not found; build it with \`npm run package\``);
  const install = vsix.flatMap((v) => ['--install-extension', path.resolve(v)]);
  const child = spawn(process.execPath, [entry, ...common, '--force', ...install], { env });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  const installed = output.match(/successfully installed/gi)?.length ?? 0;
  if (code !== 0 || installed < vsix.length) {
    const last = output.trim().split('\n').pop() || `exit code ${code}`;
    throw new CliError(`installing ${vsix.join(', ')} into code-server failed: ${last}`);
  }
}
