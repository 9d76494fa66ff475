// How a source file GDB names (MI `file`/`fullname`) is shown to the editor: its short name and its full path.
import type { DebugProtocol } from '@vscode/debugprotocol';

/**
 * The DAP Source for GDB's `fullname`. Its `name` is the file's own name (`sensor.c`), as the Call Stack and the
 * Breakpoints views show it: GDB's `file` is whatever path the compiler was given, often absolute, which crowds
 * the views and hides the name.
 */
export function sourceOf(fullname: string): DebugProtocol.Source {
  return { name: fullname.split(/[\\/]/).pop() || fullname, path: fullname };
}
