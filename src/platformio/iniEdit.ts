// Small, careful edits to platformio.ini text: add an option, add an item to a list — comments, order and line endings kept.
import { parseIni, type IniDocument, type IniSection } from './iniSyntax';

/** The text split into lines, with what it needs to be put back together byte for byte. */
interface Lines {
  lines: string[];
  eol: string;
  bom: string;
  finalEol: boolean;
}

function split(text: string): Lines {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = text.slice(bom.length);
  const eol = body.includes('\r\n') ? '\r\n' : '\n';
  const finalEol = body.endsWith('\n') || body === '';
  const lines = body.split(/\r\n|\n/);
  if (finalEol) lines.pop();
  return { lines, eol, bom, finalEol };
}

function join(l: Lines): string {
  return l.bom + l.lines.join(l.eol) + (l.finalEol ? l.eol : '');
}

const indentOf = (line: string) => line.length - line.trimStart().length;
// As iniSyntax reads it: a comment starts a line, or follows whitespace.
const isCommentOrBlank = (line: string) => /^\s*([;#].*)?$/.test(line);

/** The 0-based last line holding part of the value of the option that starts at `start` (its continuations). */
function optionEnd(lines: string[], start: number): number {
  const indent = indentOf(lines[start]);
  let end = start;
  for (let i = start + 1; i < lines.length; i++) {
    if (isCommentOrBlank(lines[i])) continue;
    if (indentOf(lines[i]) <= indent) break;
    end = i;
  }
  return end;
}

function sectionOf(doc: IniDocument, name: string): IniSection | undefined {
  return doc.sections.get(name);
}

/**
 * Adds `name = value` to `[section]` after its last option (or right after the header when it has none); a section
 * that does not exist is appended at the end of the file, after a blank line. The caller checks first that the
 * option is not set there: this never replaces a line.
 */
export function addOption(text: string, section: string, name: string, value: string): string {
  const l = split(text);
  const s = sectionOf(parseIni(text), section);
  const line = `${name} = ${value}`;
  if (!s) {
    while (l.lines.length > 0 && l.lines[l.lines.length - 1].trim() === '') l.lines.pop();
    if (l.lines.length > 0) l.lines.push('');
    l.lines.push(`[${section}]`, line);
    return join({ ...l, finalEol: true });
  }
  if (s.options.has(name.toLowerCase())) throw new RangeError(`[${section}] already sets ${name}`);
  const last = [...s.options.values()].reduce((a, o) => (o.line > a ? o.line : a), s.line);
  if (last === s.line) {
    l.lines.splice(s.line + 1, 0, line);
    return join(l);
  }
  // Same indent as the option before it, so it is never read as a continuation of that option.
  const indent = l.lines[last].slice(0, indentOf(l.lines[last]));
  l.lines.splice(optionEnd(l.lines, last) + 1, 0, indent + line);
  return join(l);
}

/**
 * Adds `item` to the multi-value option `name` of `[section]` in the form the value already has: a new indented line
 * for a value written one item per line, `, item` at the end of a one-line value (before its comment), or the item
 * itself for an empty value. PlatformIO splits a value by lines when it has several and by ", " otherwise, so
 * mixing the two forms would join items; this keeps to one.
 */
export function appendListItem(text: string, section: string, name: string, item: string): string {
  const l = split(text);
  const s = sectionOf(parseIni(text), section);
  const option = s?.options.get(name.toLowerCase());
  if (!s || !option) throw new RangeError(`[${section}] does not set ${name}`);
  const start = option.line;
  const end = optionEnd(l.lines, start);
  if (end > start) {
    const indent = l.lines[end].slice(0, indentOf(l.lines[end]));
    l.lines.splice(end + 1, 0, indent + item);
    return join(l);
  }
  const raw = l.lines[start];
  const comment = /\s[;#]/.exec(raw.slice(raw.search(/[=:]/) + 1));
  const cut = comment ? raw.search(/[=:]/) + 1 + comment.index : raw.length;
  const head = raw.slice(0, cut).trimEnd();
  const tail = raw.slice(head.length); // the spacing before a comment stays as it was
  l.lines[start] = (option.value === '' ? `${head} ${item}` : `${head}, ${item}`) + tail;
  return join(l);
}
