// The VS Code user settings a code-server started by Outpost gets: no trust prompt, no telemetry, no network lookups.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../errors';

/**
 * Settings every Outpost code-server starts with. The workspace is the user's own sample project, so the trust
 * prompt only gets in the way; this machine has no route to the marketplace or telemetry endpoints, so anything
 * that would try is off.
 */
export const defaultCodeServerSettings: Readonly<Record<string, unknown>> = {
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.commandCenter.enabled': false,
  'window.commandCenter': true,
  'git.enabled': false,
  // code-server's hint about keybindings the browser keeps; noise on every terminal focus.
  'terminal.integrated.showTerminalConfigPrompt': false,
};

/** Merges, later wins: what the settings file already holds, Outpost's defaults, then the caller's settings. */
export function mergeSettings(
  existing: Record<string, unknown>,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return { ...existing, ...defaultCodeServerSettings, ...overrides };
}

/**
 * Writes `<userDataDir>/User/settings.json`, keeping keys a user added by hand. The file is replaced atomically
 * (write + rename) so an interrupted start never leaves half a settings file behind.
 */
export async function writeUserSettings(userDataDir: string, overrides?: Record<string, unknown>): Promise<string> {
  const dir = path.join(userDataDir, 'User');
  const file = path.join(dir, 'settings.json');
  await mkdir(dir, { recursive: true });
  const merged = mergeSettings(await readExisting(file), overrides);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(merged, null, 2) + '\n');
  await rename(tmp, file);
  return file;
}

async function readExisting(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined; // comments or a typo make the file unusable for a merge, like a non-object: one error below
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new CliError(`${file} is not a plain JSON object; fix or delete it and start again`);
}
