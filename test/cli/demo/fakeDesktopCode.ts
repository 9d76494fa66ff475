// A stand-in for the desktop VS Code launcher (`code`), which cannot be installed here: a script that records its
// arguments and answers `--install-extension` as VS Code's CLI does.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fake `code` in a folder of its own (put `dir` on PATH), and the calls it received. */
export interface FakeDesktopCode {
  dir: string;
  cli: string;
  /** Each call's arguments, in order. */
  calls(): string[][];
  remove(): void;
}

/** Makes a fake launcher named `name`; with `failInstall`, `--install-extension` prints an error and exits 1. */
export function makeFakeDesktopCode(name = 'code', options: { failInstall?: string } = {}): FakeDesktopCode {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-fake-code-'));
  const record = path.join(dir, 'calls.jsonl');
  const cli = path.join(dir, name);
  const fail = options.failInstall
    ? `echo ${JSON.stringify(options.failInstall)} >&2; exit 1`
    : `echo "Extension '$(basename "$2")' was successfully installed."`;
  fs.writeFileSync(
    cli,
    [
      '#!/bin/sh',
      `node -e 'process.stdout.write(JSON.stringify(process.argv.slice(1)) + "\\n")' -- "$@" >> ${JSON.stringify(record)}`,
      'if [ "$1" = "--install-extension" ]; then',
      `  ${fail}`,
      'fi',
      'exit 0',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return {
    dir,
    cli,
    calls: () =>
      fs.existsSync(record)
        ? fs
            .readFileSync(record, 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as string[])
        : [],
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
