// Splits PlatformIO build_flags into argv words the way a POSIX shell would (quotes and backslash escapes).

/** Words of one or more build_flags lines: `-D FW_VERSION=\"1.0.0\"` → ['-D', 'FW_VERSION="1.0.0"']. */
export function splitFlags(lines: readonly string[]): string[] {
  const words: string[] = [];
  for (const line of lines) {
    let word = '';
    let inWord = false;
    let quote: '"' | "'" | undefined;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quote === "'") {
        if (c === "'") quote = undefined;
        else word += c;
      } else if (c === '\\' && i + 1 < line.length) {
        word += line[++i];
        inWord = true;
      } else if (quote === '"') {
        if (c === '"') quote = undefined;
        else word += c;
      } else if (c === '"' || c === "'") {
        quote = c;
        inWord = true;
      } else if (c === ' ' || c === '\t') {
        if (inWord) words.push(word);
        word = '';
        inWord = false;
      } else {
        word += c;
        inWord = true;
      }
    }
    if (inWord) words.push(word);
  }
  return words;
}

/** Joins `-D NAME` pairs into `-DNAME` so defines can be found and replaced by name. */
export function normalizeDefines(words: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if ((w === '-D' || w === '-U' || w === '-I') && i + 1 < words.length) out.push(w + words[++i]);
    else out.push(w);
  }
  return out;
}

/** The name a `-DNAME[=VALUE]` word defines, else undefined. */
export function defineName(word: string): string | undefined {
  return word.startsWith('-D') ? word.slice(2).split('=')[0] : undefined;
}
