// HTML text helpers for the dashboard page: everything from the relay goes through escapeHtml before it is markup.

/** Escapes text for HTML content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A tagged template that escapes every interpolated value unless it is already Markup. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Markup {
  let out = strings[0];
  values.forEach((v, i) => {
    out += toMarkup(v).text + strings[i + 1];
  });
  return new Markup(out);
}

/** Markup that is known safe: built by `html` or `join` from escaped parts. */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Joins values (escaping plain strings) into one piece of Markup. */
export function join(values: readonly unknown[], separator = ''): Markup {
  return new Markup(values.map((v) => toMarkup(v).text).join(separator));
}

function toMarkup(v: unknown): Markup {
  if (v instanceof Markup) return v;
  if (Array.isArray(v)) return join(v);
  if (v === undefined || v === null || v === false) return new Markup('');
  return new Markup(escapeHtml(String(v)));
}

/** "1 reading", "3 readings". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A fragment-safe id from any name (device names may hold any character): `prefix-<hex of UTF-8>`. */
export function safeId(prefix: string, name: string): string {
  return `${prefix}-${Buffer.from(name, 'utf8').toString('hex')}`;
}
