// The syntax of platformio.ini as PlatformIO reads it (Python configparser rules), with line numbers kept.
import { PlatformioError } from './errors';

/** One `name = value` entry; multi-line values are joined with '\n', comments removed. */
export interface IniOption {
  /** Lower-cased, as configparser stores option names. */
  readonly name: string;
  readonly value: string;
  /** 0-based line of the `name =` line. */
  readonly line: number;
}

/** One `[header]` and what follows it up to the next header. */
export interface IniSection {
  /** As written (section names are case-sensitive). */
  readonly name: string;
  /** 0-based line of the header. */
  readonly line: number;
  /** 0-based last line that belongs to the section (blank lines and comments included). */
  endLine: number;
  readonly options: Map<string, IniOption>;
}

/** A parsed file: its sections in file order. */
export interface IniDocument {
  readonly file: string;
  readonly sections: Map<string, IniSection>;
}

// configparser's SECTCRE: the name runs to the last ']' on the line; anything after it is ignored.
const SECTION_RE = /^\[(.+)\]/;
// configparser's OPTCRE: the name stops at the first '=' or ':' delimiter.
const OPTION_RE = /^(.*?)\s*[=:]\s*(.*)$/;

/** Cuts an inline comment: ';' or '#' at the start of the line or right after whitespace. */
function stripComment(line: string): string {
  if (/^\s*[;#]/.test(line)) return '';
  const m = /\s[;#]/.exec(line);
  return (m ? line.slice(0, m.index) : line).trim();
}

/**
 * Parses platformio.ini text. Throws PlatformioError (INI_SYNTAX, INI_DUPLICATE) naming `file:line`.
 * Continuation lines are those indented deeper than their option line; blank lines inside a value are kept
 * until the value ends, then trailing ones are dropped, as configparser does.
 */
export function parseIni(text: string, file = 'platformio.ini'): IniDocument {
  const sections = new Map<string, IniSection>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  let section: IniSection | undefined;
  let option: { name: string; parts: string[]; line: number; indent: number } | undefined;

  const finishOption = (): void => {
    if (!option || !section) return;
    const value = option.parts.join('\n').replace(/\s+$/, '');
    section.options.set(option.name, { name: option.name, value, line: option.line });
    option = undefined;
  };
  const fail = (code: 'INI_SYNTAX' | 'INI_DUPLICATE', i: number, what: string): PlatformioError =>
    new PlatformioError(code, `${file}:${i + 1}: ${what}`);

  lines.forEach((raw, i) => {
    const value = stripComment(raw);
    const indent = raw.length - raw.trimStart().length;
    if (value === '') {
      // A blank line inside a multi-line value stays part of it; a comment line does not.
      if (option && raw.trim() === '') option.parts.push('');
      if (section) section.endLine = i;
      return;
    }
    if (option && indent > option.indent) {
      option.parts.push(value);
      if (section) section.endLine = i;
      return;
    }
    finishOption();
    const header = SECTION_RE.exec(value);
    if (header) {
      const name = header[1].trim();
      if (sections.has(name)) throw fail('INI_DUPLICATE', i, `section [${name}] appears twice; merge the two into one`);
      section = { name, line: i, endLine: i, options: new Map() };
      sections.set(name, section);
      return;
    }
    const opt = OPTION_RE.exec(value);
    if (!opt || opt[1] === '') {
      throw fail(
        'INI_SYNTAX',
        i,
        `cannot read "${value}"; expected [section], name = value, or an indented continuation`,
      );
    }
    if (!section) {
      throw fail('INI_SYNTAX', i, `"${value}" comes before any [section] header; put it under one`);
    }
    const name = opt[1].toLowerCase();
    if (section.options.has(name)) {
      throw fail('INI_DUPLICATE', i, `option "${name}" is set twice in [${section.name}]; keep one`);
    }
    option = { name, parts: [opt[2]], line: i, indent };
    section.endLine = i;
  });
  finishOption();
  return { file, sections };
}

/**
 * Splits a multi-value option the way PlatformIO does: by lines when the value has several, else by ", ";
 * empty items and comment items are dropped.
 */
export function parseMultiValues(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(value.includes('\n') ? '\n' : ', ')
    .map((item) => item.trim())
    .filter((item) => item !== '' && !item.startsWith(';') && !item.startsWith('#'))
    .map((item) => item.replace(/\s+;.*$/, '').trim());
}
