// The diff `outpost pio setup` shows: standard unified format, only the changed region with its context.
import assert from 'node:assert/strict';
import { unifiedDiff } from '../../src/cli/textDiff';

describe('cli/textDiff', () => {
  it('is empty for equal texts', () => {
    assert.equal(unifiedDiff('a\nb\n', 'a\nb\n', 'f'), '');
  });

  it('shows an insertion with two lines of context and correct line numbers', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8'].join('\n') + '\n';
    const after = ['1', '2', '3', '4', 'new', '5', '6', '7', '8'].join('\n') + '\n';
    assert.equal(unifiedDiff(before, after, 'p.ini'), '--- p.ini\n+++ p.ini\n@@ -3,4 +3,5 @@\n 3\n 4\n+new\n 5\n 6\n');
  });

  it('shows a changed line as removal then addition, and separate hunks for distant changes', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n';
    const after = 'a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\n';
    assert.equal(
      unifiedDiff(before, after, 'f'),
      '--- f\n+++ f\n@@ -1,4 +1,4 @@\n a\n-b\n+B\n c\n d\n@@ -9,2 +9,3 @@\n i\n j\n+k\n',
    );
  });

  it('reads CRLF text like LF text', () => {
    assert.equal(unifiedDiff('a\r\nb\r\n', 'a\nb\n', 'f'), '');
  });
});
