// Device tags as a user types them: `key=value, key=value`.

/** Parses `k=v, k=v` into tags; undefined when a part is malformed; empty text gives {}. */
export function parseTags(text: string): Record<string, string> | undefined {
  const tags: Record<string, string> = {};
  for (const part of text.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const m = /^([A-Za-z0-9_.-]+)\s*=\s*(.+)$/.exec(part);
    if (!m) return undefined;
    tags[m[1]] = m[2].trim();
  }
  return tags;
}
