// PlatformIO's build_src_filter: `+<glob>` adds and `-<glob>` removes source files, in order.

const DEFAULT_FILTER = '+<*> -<.git/> -<.svn/>';

/**
 * Applies a build_src_filter to paths relative to src_dir (forward slashes). `*` and `?` match within one
 * path segment, `**` across segments, a pattern ending in `/` (or naming a folder) matches everything below it.
 */
export function applySrcFilter(paths: readonly string[], filter: string | undefined): string[] {
  const rules = [...(filter?.trim() ? filter : DEFAULT_FILTER).matchAll(/([+-])<([^>]*)>/g)];
  const selected = new Set<string>();
  for (const [, sign, pattern] of rules) {
    const matches = globMatcher(pattern!.trim());
    for (const p of paths) {
      if (!matches(p)) continue;
      if (sign === '+') selected.add(p);
      else selected.delete(p);
    }
  }
  return paths.filter((p) => selected.has(p));
}

function globMatcher(pattern: string): (path: string) => boolean {
  const clean = pattern.replace(/^\.?\//, '');
  if (clean === '' || clean === '*' || clean === '**') return () => true;
  const body = clean
    .replace(/\/$/, '')
    .split('')
    .map((c, i, all) => {
      if (c === '*') return all[i + 1] === '*' ? '' : all[i - 1] === '*' ? '.*' : '[^/]*';
      if (c === '?') return '[^/]';
      return c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  const re = new RegExp(`^${body}(/.*)?$`);
  return (path) => re.test(path);
}
