// Parses one line of GDB/MI output into a typed record; pure, total: any input yields a record, never a throw.
import type { MiRecord, MiTuple, MiValue } from './types';

const asyncKinds: Record<string, 'exec' | 'status' | 'notify'> = { '*': 'exec', '+': 'status', '=': 'notify' };
const streamKinds: Record<string, 'console' | 'target' | 'log'> = { '~': 'console', '@': 'target', '&': 'log' };
const simpleEscapes: Record<string, number> = {
  n: 10,
  t: 9,
  r: 13,
  '"': 34,
  '\\': 92,
  a: 7,
  b: 8,
  f: 12,
  v: 11,
  e: 27,
};

/** Parses one MI output line (without its line ending). Malformed input becomes an `unparsed` record. */
export function parseMiLine(line: string): MiRecord {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  try {
    return parseRecord(text);
  } catch (err) {
    return { kind: 'unparsed', text, error: err instanceof Error ? err.message : String(err) };
  }
}

function parseRecord(text: string): MiRecord {
  if (text.trimEnd() === '(gdb)') return { kind: 'prompt' };
  let pos = 0;
  while (pos < text.length && text.charCodeAt(pos) >= 48 && text.charCodeAt(pos) <= 57) pos++;
  const token = pos > 0 ? Number(text.slice(0, pos)) : undefined;
  const sigil = text[pos];
  if (sigil === undefined) throw new Error('empty record');
  if (token === undefined && streamKinds[sigil]) {
    const p = { text, pos: pos + 1 };
    const value = parseCString(p);
    if (p.pos !== text.length) throw new Error(`trailing text at ${p.pos}`);
    return { kind: streamKinds[sigil], text: value };
  }
  if (sigil !== '^' && !asyncKinds[sigil]) throw new Error(`unknown record type '${sigil}'`);
  const p = { text, pos: pos + 1 };
  const start = p.pos;
  while (p.pos < text.length && text[p.pos] !== ',') p.pos++;
  const cls = text.slice(start, p.pos);
  if (!/^[a-zA-Z][\w-]*$/.test(cls)) throw new Error(`bad record class '${cls}'`);
  const results: MiTuple = {};
  const repeated = new Set<string>();
  while (p.pos < text.length) {
    expect(p, ',');
    // GDB's `+download,{section=…,total-sent=…}` is a tuple where the grammar wants results: take its fields.
    if (text[p.pos] === '{') parseTuple(p, results, repeated);
    else addResult(p, results, repeated);
  }
  if (sigil === '^') return { kind: 'result', token, cls, results };
  return { kind: asyncKinds[sigil], token, cls, results };
}

interface Cursor {
  text: string;
  pos: number;
}

function expect(p: Cursor, ch: string): void {
  if (p.text[p.pos] !== ch) throw new Error(`expected '${ch}' at ${p.pos}`);
  p.pos++;
}

function addResult(p: Cursor, into: MiTuple, repeated: Set<string>): void {
  const start = p.pos;
  while (p.pos < p.text.length && p.text[p.pos] !== '=') p.pos++;
  const name = p.text.slice(start, p.pos);
  if (!/^[a-zA-Z_][\w-]*$/.test(name)) throw new Error(`bad result name at ${start}`);
  expect(p, '=');
  const value = parseValue(p);
  const prev = Object.hasOwn(into, name) ? into[name] : undefined;
  // defineProperty keeps a hostile name such as `__proto__` an ordinary own field.
  if (prev === undefined)
    Object.defineProperty(into, name, { value, enumerable: true, writable: true, configurable: true });
  else if (repeated.has(name)) (prev as MiValue[]).push(value);
  else {
    repeated.add(name);
    into[name] = [prev, value];
  }
}

function parseValue(p: Cursor): MiValue {
  const ch = p.text[p.pos];
  if (ch === '"') return parseCString(p);
  if (ch === '{') return parseTuple(p);
  if (ch === '[') return parseList(p);
  throw new Error(`expected a value at ${p.pos}`);
}

function parseTuple(p: Cursor, tuple: MiTuple = {}, repeated = new Set<string>()): MiTuple {
  expect(p, '{');
  if (p.text[p.pos] === '}') {
    p.pos++;
    return tuple;
  }
  for (;;) {
    addResult(p, tuple, repeated);
    if (p.text[p.pos] === '}') break;
    expect(p, ',');
  }
  p.pos++;
  return tuple;
}

function parseList(p: Cursor): MiValue[] {
  expect(p, '[');
  const list: MiValue[] = [];
  if (p.text[p.pos] === ']') {
    p.pos++;
    return list;
  }
  for (;;) {
    const ch = p.text[p.pos];
    if (ch === '"' || ch === '{' || ch === '[') list.push(parseValue(p));
    else {
      // A list of results (`[frame={..},frame={..}]`): keep the values, in order.
      const one: MiTuple = {};
      addResult(p, one, new Set());
      list.push(Object.values(one)[0]);
    }
    if (p.text[p.pos] === ']') break;
    expect(p, ',');
  }
  p.pos++;
  return list;
}

/** C-string with GDB's escapes; octal escapes are raw bytes, so the result is decoded as UTF-8. */
function parseCString(p: Cursor): string {
  expect(p, '"');
  const bytes: number[] = [];
  for (;;) {
    if (p.pos >= p.text.length) throw new Error('unterminated string');
    const ch = p.text[p.pos++];
    if (ch === '"') break;
    if (ch !== '\\') {
      const cp = p.text.codePointAt(p.pos - 1) ?? 0;
      pushUtf8(bytes, cp);
      if (cp > 0xffff) p.pos++;
      continue;
    }
    const esc = p.text[p.pos++];
    if (esc === undefined) throw new Error('unterminated escape');
    if (esc in simpleEscapes) bytes.push(simpleEscapes[esc]);
    else if (esc >= '0' && esc <= '7') {
      let code = Number(esc);
      for (let i = 0; i < 2 && p.text[p.pos] >= '0' && p.text[p.pos] <= '7'; i++)
        code = code * 8 + Number(p.text[p.pos++]);
      bytes.push(code & 0xff);
    } else pushUtf8(bytes, esc.codePointAt(0) ?? 0);
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function pushUtf8(out: number[], cp: number): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
}
