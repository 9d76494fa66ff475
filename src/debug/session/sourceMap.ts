// Sources of an ELF built elsewhere (CI, a colleague's machine): its debug info names the build machine's folders,
// so breakpoints set on local files would not bind and frames would name files that do not exist here.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { GdbProcess } from '../gdb/gdbProcess';
import { str, tuples } from '../mi/read';
import { consoleCommand, fileListExecSourceFiles } from '../mi/commands/session';

/** One `set substitute-path FROM TO` rule: a build-machine folder and the local folder holding the same files. */
export interface SourceRule {
  from: string;
  to: string;
}

/**
 * The rules that map the ELF's source paths (`compiled`, absolute, as the debug info has them) onto `localRoot`:
 * for each file missing here, the longest tail of its path that exists under localRoot names the build folder it
 * came from. Rules are ordered by how many files they explain; files that exist as named need no rule.
 */
export function inferSourceRules(
  compiled: readonly string[],
  localRoot: string,
  exists: (file: string) => boolean,
): SourceRule[] {
  const votes = new Map<string, number>();
  for (const file of new Set(compiled)) {
    if (!path.isAbsolute(file) || exists(file)) continue;
    const parts = file.split('/').filter(Boolean);
    // Longest tail first (k = 1): `/ci/w/src/main.c` tries `w/src/main.c`, then `src/main.c`, then `main.c`.
    // A bare file name is too weak a match on its own (main.c is everywhere), so at least one folder is kept.
    for (let k = 1; k < parts.length - 1; k++) {
      if (exists(path.join(localRoot, ...parts.slice(k)))) {
        const from = '/' + parts.slice(0, k).join('/');
        votes.set(from, (votes.get(from) ?? 0) + 1);
        break;
      }
    }
  }
  const to = path.resolve(localRoot);
  return [...votes.entries()]
    .filter(([from]) => from !== to)
    .sort((a, b) => b[1] - a[1] || b[0].length - a[0].length)
    .map(([from]) => ({ from, to }));
}

/**
 * Tells GDB where the sources are: the launch.json `sourceFileMap` as given, else rules inferred from the ELF's
 * source files and the project folder `cwd`. Reports what it set in the debug console.
 */
export async function mapSources(
  gdb: GdbProcess,
  args: { cwd?: string; sourceFileMap?: Record<string, string> },
  output: (text: string) => void,
): Promise<void> {
  let rules: SourceRule[];
  if (args.sourceFileMap) {
    rules = Object.entries(args.sourceFileMap).map(([from, to]) => ({ from, to }));
  } else {
    if (!args.cwd) return;
    const answer = await gdb.send(fileListExecSourceFiles());
    const files = tuples(answer.results, 'files')
      .map((f) => str(f, 'fullname'))
      .filter((f): f is string => f !== undefined);
    rules = inferSourceRules(files, args.cwd, existsSync);
  }
  for (const { from, to } of rules) {
    if (/["\n\r]/.test(from + to)) continue; // not expressible as a GDB argument; never the case for real folders
    await gdb.send(consoleCommand(`set substitute-path "${from}" "${to}"`));
    output(`sources built in ${from} are read from ${to}\n`);
  }
}
