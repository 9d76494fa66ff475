// Splits a DAP logpoint message ("temp is {t}, seq {r->seq}") into literal text and expressions to evaluate.

/** Literal text and `{expression}` parts, in order; `{{` and `}}` are literal braces. */
export type LogPart = { text: string } | { expression: string };

/** Parses a logpoint message. An unclosed `{` is kept as text so the message still prints. */
export function parseLogMessage(message: string): LogPart[] {
  const parts: LogPart[] = [];
  let text = '';
  let i = 0;
  while (i < message.length) {
    const ch = message[i];
    if ((ch === '{' || ch === '}') && message[i + 1] === ch) {
      text += ch;
      i += 2;
      continue;
    }
    if (ch === '{') {
      const close = message.indexOf('}', i + 1);
      if (close < 0) {
        text += message.slice(i);
        break;
      }
      if (text) parts.push({ text });
      text = '';
      parts.push({ expression: message.slice(i + 1, close) });
      i = close + 1;
      continue;
    }
    text += ch;
    i++;
  }
  if (text) parts.push({ text });
  return parts;
}

/** Joins parsed parts with the evaluated values (same order as the expressions). */
export function renderLogMessage(parts: LogPart[], values: string[]): string {
  let k = 0;
  return parts.map((p) => ('text' in p ? p.text : (values[k++] ?? '?'))).join('');
}
