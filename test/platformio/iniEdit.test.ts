// Edits to platformio.ini text: what PlatformIO then reads is what was asked for, and nothing else in the file moves.
import assert from 'node:assert/strict';
import { ProjectConfig } from '../../src/platformio/ini';
import { addOption, appendListItem } from '../../src/platformio/iniEdit';
import { parseMultiValues } from '../../src/platformio/iniSyntax';

const read = (text: string) => ProjectConfig.fromText(text, { projectDir: '/p' });

/** The lines of `after` that are not in `before` (in order), asserting that every line of `before` is still there. */
function added(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const out: string[] = [];
  let i = 0;
  for (const line of b) {
    if (i < a.length && line === a[i]) i++;
    else out.push(line);
  }
  assert.equal(i, a.length, `lines of the original were lost or changed:\n${after}`);
  return out;
}

const INI = `; project comment
[env]
build_flags =
    -Wall   ; warnings
    -D A=1

; comment before the env
[env:sim]
platform = ststm32 ; inline
board = x

; trailing comment of the file
`;

describe('platformio/iniEdit', () => {
  describe('addOption', () => {
    it('adds after the last option of the section, before comments that belong to what follows', () => {
      const out = addOption(INI, 'env:sim', 'upload_protocol', 'custom');
      assert.deepEqual(added(INI, out), ['upload_protocol = custom']);
      assert.ok(out.indexOf('upload_protocol') < out.indexOf('; trailing comment'));
      assert.equal(read(out).envOption('sim', 'upload_protocol'), 'custom');
      assert.equal(read(out).envOption('sim', 'board'), 'x');
    });

    it('adds after a multi-line value, not inside it', () => {
      const out = addOption(INI, 'env', 'monitor_speed', '115200');
      assert.deepEqual(added(INI, out), ['monitor_speed = 115200']);
      assert.deepEqual(read(out).getList('env', 'build_flags'), ['-Wall', '-D A=1']);
      assert.equal(read(out).get('env', 'monitor_speed'), '115200');
    });

    it('adds right under the header of a section with no options', () => {
      const text = '[env:a]\n\n[env:b]\nboard = y\n';
      const out = addOption(text, 'env:a', 'board', 'x');
      assert.equal(out, '[env:a]\nboard = x\n\n[env:b]\nboard = y\n');
    });

    it('appends a missing section at the end after one blank line', () => {
      assert.equal(
        addOption('[env:a]\nboard = x\n\n\n', 'env:b', 'board', 'y'),
        '[env:a]\nboard = x\n\n[env:b]\nboard = y\n',
      );
      assert.equal(addOption('', 'env:b', 'board', 'y'), '[env:b]\nboard = y\n');
    });

    it('keeps CRLF line endings, a byte order mark and a missing final newline', () => {
      const text = '\uFEFF[env:a]\r\nboard = x';
      const out = addOption(text, 'env:a', 'upload_protocol', 'custom');
      assert.equal(out, '\uFEFF[env:a]\r\nboard = x\r\nupload_protocol = custom');
    });

    it('refuses to set an option the section already has (it never replaces a line)', () => {
      assert.throws(() => addOption(INI, 'env:sim', 'Board', 'z'), RangeError);
    });
  });

  describe('appendListItem', () => {
    it('extends a one-line list with ", item", before its comment', () => {
      const text = '[env]\nextra_scripts = pre:a.py  ; build helpers\n';
      const out = appendListItem(text, 'env', 'extra_scripts', 'post:b.py');
      assert.equal(out, '[env]\nextra_scripts = pre:a.py, post:b.py  ; build helpers\n');
      assert.deepEqual(parseMultiValues(read(out).get('env', 'extra_scripts')), ['pre:a.py', 'post:b.py']);
    });

    it('extends a one-line list of several items the same way', () => {
      const out = appendListItem('[env]\nlib_deps = A, B\n', 'env', 'lib_deps', 'C');
      assert.deepEqual(read(out).getList('env', 'lib_deps'), ['A', 'B', 'C']);
    });

    it('adds a line with the same indent to a list written one item per line, after comments inside it', () => {
      const text = '[env]\nextra_scripts =\n  pre:a.py\n  ; optional\n  pre:b.py\nboard = x\n';
      const out = appendListItem(text, 'env', 'extra_scripts', 'post:c.py');
      assert.equal(out, '[env]\nextra_scripts =\n  pre:a.py\n  ; optional\n  pre:b.py\n  post:c.py\nboard = x\n');
      assert.deepEqual(read(out).getList('env', 'extra_scripts'), ['pre:a.py', 'pre:b.py', 'post:c.py']);
      assert.equal(read(out).get('env', 'board'), 'x');
    });

    it('fills an empty value', () => {
      const out = appendListItem('[env]\nextra_scripts =\nboard = x\n', 'env', 'extra_scripts', 'post:c.py');
      assert.equal(out, '[env]\nextra_scripts = post:c.py\nboard = x\n');
    });

    it('refuses an option that is not there', () => {
      assert.throws(() => appendListItem(INI, 'env:sim', 'extra_scripts', 'x.py'), RangeError);
    });
  });
});
