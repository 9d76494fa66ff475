// `[platformio] extra_configs`: more ini files merged into a project's configuration, as PlatformIO reads them.
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { IniDocument } from './iniSyntax';

const segmentRe = (segment: string): RegExp =>
  new RegExp(
    '^' +
      segment
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]') +
      '$',
  );

const isDir = (p: string): boolean => statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
const isFile = (p: string): boolean => statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;

// Every path under `dir` (itself included) at any depth: what `**` stands for.
function allDirs(dir: string): string[] {
  const out = [dir];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (isDir(p)) out.push(...allDirs(p));
  }
  return out;
}

/**
 * Files matching `pattern` (Python glob with recursive=True: `*` and `?` within a name, `**` for any depth),
 * relative patterns taken from `baseDir`. Sorted, so the merge order does not depend on the file system.
 */
export function globFiles(pattern: string, baseDir: string): string[] {
  const absolute = isAbsolute(pattern) ? pattern : resolve(baseDir, pattern);
  const [root, ...segments] = absolute.split('/');
  let dirs = [root === '' ? '/' : root];
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    const next: string[] = [];
    for (const dir of dirs) {
      if (segment === '**') {
        if (isDir(dir)) next.push(...allDirs(dir));
      } else if (!/[*?]/.test(segment)) {
        next.push(join(dir, segment));
      } else if (isDir(dir)) {
        const re = segmentRe(segment);
        next.push(
          ...readdirSync(dir)
            .filter((n) => re.test(n))
            .sort()
            .map((n) => join(dir, n)),
        );
      }
    }
    dirs = last ? next : next.filter(isDir);
  });
  return [...new Set(dirs.filter(isFile))].sort();
}

/** Merges `extra` into `into`: new sections are appended, options of existing sections replaced (later wins). */
export function mergeIni(into: IniDocument, extra: IniDocument): void {
  for (const [name, section] of extra.sections) {
    const existing = into.sections.get(name);
    if (!existing) into.sections.set(name, section);
    else for (const [option, value] of section.options) existing.options.set(option, value);
  }
}
