// demo.json in the data directory: where a running demo serves and which keys it made, for scripts and tests.
import { rename, rm, writeFile } from 'node:fs/promises';

/** What a running demo publishes about itself. */
export interface DemoInfo {
  /** The workbench address (`demo ready at …`). */
  url: string;
  relay: string;
  /** Operator key file (role admin) for the CLI: `outpost devices --relay RELAY --key OPERATORKEY`. */
  operatorKey: string;
  /** Firmware signing key the devices trust: `outpost deploy --sign-key SIGNINGKEY`. */
  signingKey: string;
  workspace: string;
  logFile: string;
  devices: string[];
  pid: number;
}

/** Writes `file` atomically (temporary file, then rename), so a reader never sees half of it. */
export async function writeDemoInfo(file: string, info: DemoInfo): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, file);
}

/** Removes the file when the demo stops: a stale URL would point at nothing. */
export async function removeDemoInfo(file: string): Promise<void> {
  await rm(file, { force: true });
}
