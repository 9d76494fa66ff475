// The console framing programs use to run one command and get its output and exit code (pure).
// Request: SOH "@TAG command" LF. Reply lines: "@TAG text"; last line: "@TAG #end CODE". See examples/u5-sensor/README.md.

/** Start of a framed request: makes the firmware set aside anything a person half typed. */
export const SOH = '\x01';

const TAG_RE = /^[A-Za-z0-9_.-]{1,16}$/;
const REPLY_RE = /^@([A-Za-z0-9_.-]{1,16})(?: (.*))?$/;
const END_RE = /^#end (-?\d+)$/;

/** One reply line, or undefined for anything else (log lines, echo, a prompt). */
export type ReplyLine = { tag: string; text: string } | { tag: string; exitCode: number };

/** True when `command` can go in one request line: printable, no line breaks, not empty. */
export function isSendableCommand(command: string): boolean {
  if (command.trim() === '' || command.length > 100) return false;
  for (const c of command) if (c < ' ' || c === '\x7f') return false;
  return true;
}

/** The bytes of a request; the tag must be 1-16 of A-Z a-z 0-9 _ . - */
export function frameRequest(tag: string, command: string): string {
  if (!TAG_RE.test(tag)) throw new RangeError(`bad tag ${JSON.stringify(tag)}`);
  return `${SOH}@${tag} ${command}\n`;
}

/** Classifies a line of console output. */
export function parseReplyLine(line: string): ReplyLine | undefined {
  const m = REPLY_RE.exec(line);
  if (!m) return undefined;
  const text = m[2] ?? '';
  const end = END_RE.exec(text);
  return end ? { tag: m[1]!, exitCode: Number(end[1]) } : { tag: m[1]!, text };
}

/** True for a line that belongs to some framed reply (it is for the program that asked, not the log). */
export function isReplyLine(line: string): boolean {
  return REPLY_RE.test(line);
}
