// Serves qXfer reads (target description, memory map) from whole documents the agent fetched (pure).

/** `qXfer:OBJECT:read:ANNEX:OFFSET,LENGTH` split up, or undefined for any other packet. */
export function parseXferRead(payload: string): { key: string; offset: number; length: number } | undefined {
  const m = /^qXfer:([a-z-]+):read:([^:]*):([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(payload);
  if (!m) return undefined;
  return { key: `${m[1]}:${m[2]}`, offset: parseInt(m[3], 16), length: parseInt(m[4], 16) };
}

/** RSP binary escaping of a reply's data: `$ # } *` become `}` + (byte ^ 0x20). */
export function escapeBinary(text: string): string {
  return text.replace(/[$#}*]/g, (c) => '}' + String.fromCharCode(c.charCodeAt(0) ^ 0x20));
}

/** The reply to a qXfer read of `doc` (latin1 text): `m` + data while more follows, `l` + data for the last part. */
export function xferReply(doc: string, offset: number, length: number): string {
  const part = doc.slice(offset, offset + length);
  return (offset + length >= doc.length ? 'l' : 'm') + escapeBinary(part);
}
