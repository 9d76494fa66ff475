// Turns a UART byte stream into text lines the way a terminal would show them: CR LF, CR overwrite, escapes.
import { StringDecoder } from 'node:string_decoder';

/** Lines longer than this are cut, so a firmware that never prints a newline cannot grow memory. */
export const MAX_LINE_LENGTH = 4096;

/**
 * Feed bytes, get complete lines (without line endings). LF, CR LF and LF CR end a line; a CR followed by
 * anything else returns to the line start and the text so far is dropped (a redrawn prompt or progress);
 * backspace removes the previous character; ANSI escape sequences and other control bytes are removed.
 * UTF-8 characters split across chunks are kept whole.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private line = '';
  private pendingCr = false;
  private escape: 'none' | 'esc' | 'csi' = 'none';

  constructor(private readonly maxLength = MAX_LINE_LENGTH) {}

  /** The lines completed by this chunk. */
  push(chunk: Buffer | string): string[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const out: string[] = [];
    for (const c of text) {
      if (this.pendingCr) {
        this.pendingCr = false;
        if (c === '\n') {
          out.push(this.take());
          continue;
        }
        this.line = ''; // carriage return without line feed: what follows overwrites the line
      }
      if (this.escape !== 'none') {
        this.skipEscape(c);
        continue;
      }
      if (c === '\n') out.push(this.take());
      else if (c === '\r') this.pendingCr = true;
      else if (c === '\x1b') this.escape = 'esc';
      else if (c === '\b') this.line = this.line.slice(0, -1);
      else if (c === '\t' || c >= ' ') {
        if (c === '\x7f') continue;
        this.line += c;
        if (this.line.length >= this.maxLength) out.push(this.take());
      }
    }
    return out;
  }

  /** The unterminated rest, if any (when the stream ends), and a reset. */
  flush(): string | undefined {
    const rest = this.line + this.decoder.end();
    this.line = '';
    this.pendingCr = false;
    this.escape = 'none';
    return rest === '' ? undefined : rest;
  }

  private take(): string {
    const line = this.line;
    this.line = '';
    return line;
  }

  // ESC [ params final-byte (CSI), or ESC + one byte.
  private skipEscape(c: string): void {
    if (this.escape === 'esc') this.escape = c === '[' ? 'csi' : 'none';
    else if (c >= '@' && c <= '~') this.escape = 'none';
  }
}
