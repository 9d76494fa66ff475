// The demo workspace's `.vscode/settings.json`: how a desktop VS Code (which does not get code-server's user
// settings) finds the demo's relay and key. Other keys in the file are kept.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../errors';

/** Merges `settings` into `<workspace>/.vscode/settings.json`, written whole (a temporary file renamed over it). */
export async function mergeWorkspaceSettings(workspace: string, settings: Record<string, unknown>): Promise<void> {
  const file = path.join(workspace, '.vscode', 'settings.json');
  let current: Record<string, unknown> = {};
  if (existsSync(file)) {
    const text = await readFile(file, 'utf8');
    try {
      const parsed: unknown = text.trim() === '' ? {} : JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      current = parsed as Record<string, unknown>;
    } catch {
      // JSON with comments is legal there, but rewriting it would drop them: leave the user's file alone.
      throw new CliError(
        `${file} is not plain JSON; set ${Object.keys(settings).join(', ')} there by hand or remove the comments`,
      );
    }
  }
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify({ ...current, ...settings }, null, 2) + '\n');
  await rename(tmp, file);
}
