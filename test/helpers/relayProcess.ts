// Integration-test helper: a real relay in its own process (`outpost relay`), on an ephemeral port, in a temp data dir.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshKnownDevicesFile } from './knownDevicesIsolation';
import { startOutpost, type OutpostProcess } from './outpostCli';

/** A relay process and what a test needs to talk to it. */
export interface RelayUnderTest {
  url: string;
  /** `127.0.0.1:PORT`, the Host a client signs. */
  host: string;
  port: number;
  /** http(s)://HOST:PORT for /healthz, /metrics, /v1/challenge. */
  httpUrl: string;
  dataDir: string;
  adminKey: string;
  process: OutpostProcess;
  /** Stops the relay (SIGTERM) and resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** Starts `outpost relay` and waits for "relay listening on …". Pass `dataDir` to restart on existing state. */
export async function startRelayProcess(
  options: { dataDir?: string; listen?: string; extraArgs?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<RelayUnderTest> {
  freshKnownDevicesFile();
  const dataDir = options.dataDir ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-relay-')), 'data');
  const proc = await startOutpost(
    ['relay', '--listen', options.listen ?? '127.0.0.1:0', '--data', dataDir, ...(options.extraArgs ?? [])],
    { env: { OUTPOST_LOG_LEVEL: 'debug', ...options.env } },
  );
  let m: RegExpMatchArray;
  try {
    m = await proc.waitFor(/relay listening on (wss?):\/\/([^\s:]+):(\d+)/);
  } catch (err) {
    await proc.stop('SIGKILL');
    throw err;
  }
  const [, scheme, hostname, port] = m;
  return {
    url: `${scheme}://${hostname}:${port}`,
    host: `${hostname}:${port}`,
    port: Number(port),
    httpUrl: `${scheme === 'wss' ? 'https' : 'http'}://${hostname}:${port}`,
    dataDir,
    adminKey: path.join(dataDir, 'admin.key'),
    process: proc,
    stop: () => proc.stop(),
  };
}
