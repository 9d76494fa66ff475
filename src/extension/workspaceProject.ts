// The PlatformIO project a command works on: the one of the active editor, else of a workspace folder.
import * as vscode from 'vscode';
import { dirname } from 'node:path';
import { PlatformioError } from '../platformio/errors';
import { findProjectDir } from '../platformio/projectDir';

/** The project folder of `hint` (a folder), the active editor or a workspace folder; undefined when none. */
export function findCurrentProjectDir(hint?: string): string | undefined {
  const atHint = hint ? findProjectDir(hint, hint) : undefined;
  if (atHint) return atHint;
  const doc = vscode.window.activeTextEditor?.document;
  if (doc?.uri.scheme === 'file') {
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
    const found = findProjectDir(dirname(doc.uri.fsPath), folder?.uri.fsPath);
    if (found) return found;
  }
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const found = findProjectDir(folder.uri.fsPath, folder.uri.fsPath);
    if (found) return found;
  }
  return undefined;
}

/** The project folder, or throws PlatformioError NO_PLATFORMIO_INI with the next step. */
export function currentProjectDir(hint?: string): string {
  const found = findCurrentProjectDir(hint);
  if (found) return found;
  throw new PlatformioError(
    'NO_PLATFORMIO_INI',
    'No platformio.ini in this workspace: open the folder of a PlatformIO project (the one with platformio.ini) with File > Open Folder.',
  );
}
