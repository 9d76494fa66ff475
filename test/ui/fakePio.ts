// Puts a `pio` stand-in on a PATH for UI tests (PlatformIO cannot be installed here); the build it runs is real.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from './harness';

const ENTRY = path.join(REPO_ROOT, 'test', 'ui', 'fixtures', 'fake-pio', 'pio.ts');
const TSX_LOADER = path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Writes an executable `pio` into `binDir` that runs fixtures/fake-pio/pio.ts (`pio run -e ENV` compiles the
 * environment with Outpost's sim build into `.pio/build/ENV`) with this Node and tsx. Returns `binDir`, for the
 * front of a PATH.
 */
export async function installFakePio(binDir: string): Promise<string> {
  await mkdir(binDir, { recursive: true });
  const script = path.join(binDir, 'pio');
  const loader = 'file://' + TSX_LOADER;
  await writeFile(
    script,
    `#!/bin/sh\n# Outpost test stand-in for PlatformIO's pio (see ${ENTRY})\n` +
      `exec ${quote(process.execPath)} --import ${quote(loader)} ${quote(ENTRY)} "$@"\n`,
  );
  await chmod(script, 0o755);
  return binDir;
}
