// Packs an extension folder into a .vsix with the project's vsce, for UI tests that need an extension of their own.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Packages the extension in `dir` (package.json + plain JS, no dependencies) to `outFile` and returns `outFile`. */
export async function packExtension(dir: string, outFile: string): Promise<string> {
  const vsce = path.resolve(__dirname, '..', '..', '..', 'node_modules', '@vscode', 'vsce', 'vsce');
  await run(
    process.execPath,
    [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', outFile],
    { cwd: dir },
  );
  return outFile;
}
