// Code lenses over each [env:NAME] in platformio.ini: "Deploy OTA" and "Debug remote" for that environment.
import * as vscode from 'vscode';
import { dirname } from 'node:path';
import { envHeaders } from '../platformio/envLenses';
import { Commands } from './ids';

/** What the lens commands receive. */
export interface PioEnvTarget {
  readonly projectDir: string;
  readonly pioEnv: string;
}

export class PioCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const projectDir = dirname(document.uri.fsPath);
    return envHeaders(document.getText()).flatMap((h) => {
      const range = new vscode.Range(h.line, h.startColumn, h.line, h.endColumn);
      const target: PioEnvTarget = { projectDir, pioEnv: h.env };
      return [
        new vscode.CodeLens(range, {
          title: '$(cloud-upload) Deploy OTA',
          tooltip: `Deploy the build of [env:${h.env}] over the air`,
          command: Commands.deploy,
          arguments: [target],
        }),
        new vscode.CodeLens(range, {
          title: '$(debug-alt) Debug remote',
          tooltip: `Debug a device running the build of [env:${h.env}]`,
          command: Commands.debugDevice,
          arguments: [target],
        }),
      ];
    });
  }
}

/** Registers the provider for every platformio.ini on disk. */
export function registerPioCodeLens(): vscode.Disposable {
  return vscode.languages.registerCodeLensProvider(
    { scheme: 'file', pattern: '**/platformio.ini' },
    new PioCodeLensProvider(),
  );
}
