// A unified diff of two small texts, for commands that show what they change in a user's file before or as they do.

/**
 * The unified diff (`---`/`+++` headers, `@@` hunks with `context` lines around changes) turning `before` into
 * `after`, or '' when they are equal. Line-based longest common subsequence: meant for config files, not megabytes.
 */
export function unifiedDiff(before: string, after: string, name: string, context = 2): string {
  if (before === after) return '';
  const a = before.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  const b = after.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  // lcs[i][j] = length of the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: { kind: ' ' | '-' | '+'; text: string; ai: number; bi: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) ops.push({ kind: ' ', text: a[i], ai: i++, bi: j++ });
    // Removals first, as diff(1) prints them.
    else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1]))
      ops.push({ kind: '-', text: a[i], ai: i++, bi: j });
    else ops.push({ kind: '+', text: b[j], ai: i, bi: j++ });
  }
  if (ops.every((o) => o.kind === ' ')) return '';
  const out = [`--- ${name}`, `+++ ${name}`];
  for (let k = 0; k < ops.length;) {
    if (ops[k].kind === ' ') {
      k++;
      continue;
    }
    // A hunk: the change, its neighbours within 2 × context unchanged lines, and `context` lines on each side.
    let end = k;
    for (let quiet = 0, m = k; m < ops.length && quiet <= 2 * context; m++) {
      quiet = ops[m].kind === ' ' ? quiet + 1 : 0;
      if (ops[m].kind !== ' ') end = m;
    }
    const from = Math.max(0, k - context);
    const to = Math.min(ops.length - 1, end + context);
    const hunk = ops.slice(from, to + 1);
    const aLines = hunk.filter((o) => o.kind !== '+').length;
    const bLines = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${hunk[0].ai + 1},${aLines} +${hunk[0].bi + 1},${bLines} @@`);
    for (const o of hunk) out.push(`${o.kind}${o.text}`);
    k = to + 1;
  }
  return out.join('\n') + '\n';
}
