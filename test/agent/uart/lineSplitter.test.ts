// UART bytes to lines as a terminal shows them: line endings, redrawn prompts, escapes, split characters.
import assert from 'node:assert/strict';
import { LineSplitter } from '../../../src/agent/uart/lineSplitter';

function split(...chunks: (string | Buffer)[]): string[] {
  const s = new LineSplitter();
  return chunks.flatMap((c) => s.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c));
}

describe('UART line splitter', () => {
  it('ends lines at LF and CR LF, also when CR and LF arrive in different chunks', () => {
    assert.deepEqual(split('I: one\r\nI: two\nI: th', 'ree\r', '\nW: four\r\n'), [
      'I: one',
      'I: two',
      'I: three',
      'W: four',
    ]);
  });

  it('drops a prompt the firmware erased before printing a log line', () => {
    // What the sample firmware sends when a log line interrupts a half-typed command.
    assert.deepEqual(split('> ver', '\r\x1b[KI: reading #3\r\n> ver'), ['I: reading #3']);
  });

  it('applies backspaces and removes colour codes', () => {
    assert.deepEqual(split('> versx\b \bion\r\n', '\x1b[1;31mE: boom\x1b[0m\r\n'), ['> version', 'E: boom']);
  });

  it('keeps a UTF-8 character split across chunks whole', () => {
    const bytes = Buffer.from('I: 23.5 °C\n', 'utf8');
    const at = bytes.indexOf(0xb0); // second byte of the degree sign
    assert.deepEqual(split(bytes.subarray(0, at), bytes.subarray(at)), ['I: 23.5 °C']);
  });

  it('cuts an endless line instead of growing without bound', () => {
    const s = new LineSplitter(10);
    assert.deepEqual(s.push('abcdefghijklmnopq'), ['abcdefghij']);
    assert.equal(s.flush(), 'klmnopq');
    assert.equal(s.flush(), undefined);
  });
});
