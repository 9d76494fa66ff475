// Finds the GDB to run: launch.json `gdbPath`, the `outpost.gdbPath` setting, PlatformIO's toolchain, then PATH.
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { DebugError, ErrorCode } from '../errors';

/** Where to look; everything the search depends on is passed in so it can be tested without this machine. */
export interface GdbSearch {
  /** launch.json `gdbPath`. */
  launchGdbPath?: string;
  /** The `outpost.gdbPath` setting, passed in by the extension. */
  settingGdbPath?: string;
  homeDir?: string;
  pathEnv?: string;
  platform?: NodeJS.Platform;
  /** True when the path is an executable file. */
  isExecutable?: (path: string) => boolean;
}

/** The GDB found and why it was chosen. */
export interface GdbChoice {
  path: string;
  source: 'launch.json gdbPath' | 'setting outpost.gdbPath' | 'PlatformIO toolchain' | 'PATH';
}

/** Resolves the GDB executable or throws one DebugError that lists every place tried. */
export function findGdb(search: GdbSearch): GdbChoice {
  const isExec = search.isExecutable ?? isExecutableFile;
  const exe = (search.platform ?? process.platform) === 'win32' ? '.exe' : '';
  const explicit: Array<[string | undefined, GdbChoice['source']]> = [
    [search.launchGdbPath, 'launch.json gdbPath'],
    [search.settingGdbPath, 'setting outpost.gdbPath'],
  ];
  for (const [path, source] of explicit) {
    if (path === undefined || path.trim() === '') continue;
    // A path the user chose is never silently replaced by another GDB.
    if (isExec(path)) return { path, source };
    throw new DebugError(ErrorCode.GdbNotFound, `GDB not found at ${path} (${source}): fix the path or remove it`);
  }
  const tried: string[] = [];
  const pio = join(
    search.homeDir ?? homedir(),
    '.platformio',
    'packages',
    'toolchain-gccarmnoneeabi',
    'bin',
    `arm-none-eabi-gdb${exe}`,
  );
  tried.push(pio);
  if (isExec(pio)) return { path: pio, source: 'PlatformIO toolchain' };
  const dirs = (search.pathEnv ?? process.env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  for (const name of [`gdb-multiarch${exe}`, `arm-none-eabi-gdb${exe}`]) {
    tried.push(`${name} on PATH`);
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (isExec(candidate)) return { path: candidate, source: 'PATH' };
    }
  }
  throw new DebugError(
    ErrorCode.GdbNotFound,
    `no GDB for ARM found (tried ${tried.join(', ')}): install gdb-multiarch or set "gdbPath" in launch.json`,
  );
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code) return false;
    throw err;
  }
}
