// Finds the PlatformIO project a file belongs to: the nearest folder at or above it with a platformio.ini.
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The nearest folder from `start` upwards that holds platformio.ini, not going above `root` when given
 * (a workspace folder); undefined when there is none.
 */
export function findProjectDir(start: string, root?: string): string | undefined {
  let dir = resolve(start);
  const top = root ? resolve(root) : undefined;
  for (;;) {
    if (existsSync(join(dir, 'platformio.ini'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    if (top !== undefined && (dir === top || relative(top, parent).startsWith('..'))) return undefined;
    dir = parent;
  }
}
