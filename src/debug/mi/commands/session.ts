// Builders for connecting, loading, GDB settings and raw console commands.
import { miQuote } from '../quote';
import { miCommand } from './context';

/** `-gdb-set name value` (the value is passed verbatim: GDB settings take words, not C strings). */
export function gdbSet(name: string, value: string): string {
  if (!/^[\w -]+$/.test(name) || /[\n\r]/.test(value)) throw new RangeError(`bad gdb setting ${JSON.stringify(name)}`);
  return miCommand('-gdb-set', [name, value]);
}

/** `-file-exec-and-symbols path`. */
export const fileExecAndSymbols = (path: string): string => miCommand('-file-exec-and-symbols', [miQuote(path)]);

/** `-target-select extended-remote host:port`. */
export function targetSelectRemote(host: string, port: number): string {
  if (!/^[\w.:[\]-]+$/.test(host) || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new RangeError(`bad stub address ${host}:${port}`);
  }
  return miCommand('-target-select', ['extended-remote', `${host}:${port}`]);
}

/** `-target-download`: `load` through the stub. */
export const targetDownload = (): string => '-target-download';

/** `-target-detach`: the target resumes and runs on. */
export const targetDetach = (): string => '-target-detach';

/** `-interpreter-exec console "cmd"`: a raw GDB CLI command; its output arrives as console stream records. */
export const consoleCommand = (command: string): string =>
  miCommand('-interpreter-exec', ['console', miQuote(command)]);

/** `-file-list-exec-source-files`: every source file the ELF's debug info names, with GDB's full path for it. */
export const fileListExecSourceFiles = (): string => '-file-list-exec-source-files';

/** `-symbol-info-variables`: debug-info variables grouped by file. */
export const symbolInfoVariables = (): string => '-symbol-info-variables';

/** `-gdb-exit`. */
export const gdbExit = (): string => '-gdb-exit';
