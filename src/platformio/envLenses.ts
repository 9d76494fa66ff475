// Where code lenses go in platformio.ini: one per [env:NAME] header, computed from the text alone.
import { PlatformioError } from './errors';
import { parseIni } from './iniSyntax';

/** One environment header in the file. */
export interface EnvHeader {
  /** The environment name (without `env:`). */
  readonly env: string;
  /** 0-based line of the `[env:NAME]` header. */
  readonly line: number;
  /** 0-based column of `[` and the column just after `]`. */
  readonly startColumn: number;
  readonly endColumn: number;
  /** 0-based last line of the environment's section (before the next header or the end of the file). */
  readonly endLine: number;
}

const HEADER_RE = /^(\s*)\[(.+)\]/;

// Header lines: exactly the parser's when the file parses; else every line that looks like one, so lenses
// stay in place while a line elsewhere is half-typed.
function headerLines(text: string, lines: string[]): number[] {
  try {
    return [...parseIni(text).sections.values()].map((s) => s.line);
  } catch (err) {
    if (!(err instanceof PlatformioError)) throw err;
    return lines.flatMap((l, i) => (/^\s*\[.+\]/.test(l) && !/^\s*[;#]/.test(l) ? [i] : []));
  }
}

/**
 * Finds every `[env:NAME]` header. Trailing blank lines and comments are left out of a section: they
 * usually introduce the next one.
 */
export function envHeaders(text: string): EnvHeader[] {
  const lines = text.split(/\r\n|\n|\r/);
  const bounds = headerLines(text, lines);
  return bounds.flatMap((line, k) => {
    const m = HEADER_RE.exec(lines[line].replace(/\s[;#].*$/, ''));
    const name = m?.[2].trim() ?? '';
    if (!m || !name.startsWith('env:')) return [];
    let end = (bounds[k + 1] ?? lines.length) - 1;
    while (end > line && /^\s*([;#].*)?$/.test(lines[end])) end--;
    const close = m[0].length;
    return [{ env: name.slice(4), line, startColumn: m[1].length, endColumn: close, endLine: end }];
  });
}
