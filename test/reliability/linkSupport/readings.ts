// The sample firmware's numbered readings in a log stream: each once and in order is what `outpost logs` promises.

const READING = /reading #(\d+) /;

/** The reading numbers in `text` (one log line per line), in the order they appear. */
export function readingNumbers(text: string): number[] {
  return text
    .split('\n')
    .map((l) => READING.exec(l)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
}

/** What breaks "every reading once, in order" in `seen` (a run from the first number on), or undefined. */
export function orderProblem(seen: readonly number[]): string | undefined {
  for (let i = 1; i < seen.length; i++) {
    if (seen[i] === seen[i - 1] + 1) continue;
    const what = seen[i] <= seen[i - 1] ? 'repeated or out of order' : `missing ${seen[i] - seen[i - 1] - 1}`;
    return `reading #${seen[i]} after #${seen[i - 1]} (${what})`;
  }
  return undefined;
}
