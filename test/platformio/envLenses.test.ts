// Code-lens positions in platformio.ini: one per [env:NAME] header, stable while the file is half-typed.
import assert from 'node:assert/strict';
import { envHeaders } from '../../src/platformio/envLenses';

describe('env header ranges for code lenses', () => {
  it('finds each [env:NAME] header with its columns and the last line of its section', () => {
    const text = [
      '[platformio]', // 0
      'default_envs = release', // 1
      '', // 2
      '[env:release]  ; shipped builds', // 3
      'board = b_u585i_iot02a', // 4
      'build_flags =', // 5
      '    -O2', // 6
      '', // 7
      '; the simulator', // 8
      '[env:sim]', // 9
      'extends = env:release', // 10
    ].join('\n');
    assert.deepEqual(envHeaders(text), [
      { env: 'release', line: 3, startColumn: 0, endColumn: 13, endLine: 6 },
      { env: 'sim', line: 9, startColumn: 0, endColumn: 9, endLine: 10 },
    ]);
  });

  it('ignores [env], other sections and text that only looks like a header', () => {
    const text =
      '[env]\nplatform = ststm32\n[common]\nx = [env:not_a_header]\n; [env:commented]\nlib_deps =\n  [env:value]\n';
    assert.deepEqual(envHeaders(text), []);
  });

  it('treats an indented header under an open value as part of the value, as PlatformIO does', () => {
    const text = '[env:a]\nbuild_flags =\n  -O2\n  [env:b]\n[env:c]\n';
    assert.deepEqual(
      envHeaders(text).map((h) => h.env),
      ['a', 'c'],
    );
  });

  it('still finds headers when the rest of the file does not parse', () => {
    const text = '[env:a]\nthis line is being typed\n[env:b]\n';
    assert.deepEqual(
      envHeaders(text).map((h) => [h.env, h.line, h.endLine]),
      [
        ['a', 0, 1],
        ['b', 2, 2],
      ],
    );
  });
});
