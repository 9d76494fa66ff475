// The MI parser: real GDB output lines become typed records; any garbage becomes an `unparsed` record, never a throw.
import { strict as assert } from 'node:assert';
import { parseMiLine } from '../../../src/debug/mi/parse';
import type { MiRecord } from '../../../src/debug/mi/types';

describe('parseMiLine', () => {
  it('reads a tokened result with nested tuples and lists', () => {
    const rec = parseMiLine(
      '13^done,bkpt={number="2",type="breakpoint",addr="0x10000ebc",func="report",line="106",thread-groups=["i1"],times="0"}',
    );
    assert.deepEqual(rec, {
      kind: 'result',
      token: 13,
      cls: 'done',
      results: {
        bkpt: {
          number: '2',
          type: 'breakpoint',
          addr: '0x10000ebc',
          func: 'report',
          line: '106',
          'thread-groups': ['i1'],
          times: '0',
        },
      },
    });
  });

  it('keeps the values of a list of results in order', () => {
    const rec = parseMiLine('^done,stack=[frame={level="0",func="report"},frame={level="1",func="main"}]');
    assert.equal(rec.kind, 'result');
    assert.deepEqual((rec as Extract<MiRecord, { kind: 'result' }>).results.stack, [
      { level: '0', func: 'report' },
      { level: '1', func: 'main' },
    ]);
  });

  it('reads exec, notify and status async records', () => {
    const stopped = parseMiLine('*stopped,reason="breakpoint-hit",bkptno="1",thread-id="1",stopped-threads="all"');
    assert.deepEqual(stopped, {
      kind: 'exec',
      token: undefined,
      cls: 'stopped',
      results: { reason: 'breakpoint-hit', bkptno: '1', 'thread-id': '1', 'stopped-threads': 'all' },
    });
    assert.equal(parseMiLine('=thread-group-added,id="i1"').kind, 'notify');
    // GDB writes its load progress as a bare tuple where results belong: its fields become the record's.
    assert.deepEqual(parseMiLine('11+download,{section=".text",section-sent="512",total-size="900"}'), {
      kind: 'status',
      token: 11,
      cls: 'download',
      results: { section: '.text', 'section-sent': '512', 'total-size': '900' },
    });
    assert.equal(parseMiLine('+download,section=".text"').kind, 'status');
    assert.deepEqual(parseMiLine('*running,thread-id="all"'), {
      kind: 'exec',
      token: undefined,
      cls: 'running',
      results: { 'thread-id': 'all' },
    });
  });

  it('decodes c-string escapes, including octal bytes as UTF-8', () => {
    assert.deepEqual(parseMiLine('~"82\\tvoid board_idle(void) { __asm volatile(\\"wfi\\"); }\\n"'), {
      kind: 'console',
      text: '82\tvoid board_idle(void) { __asm volatile("wfi"); }\n',
    });
    assert.deepEqual(parseMiLine('@"caf\\303\\251 \\\\ done"'), { kind: 'target', text: 'café \\ done' });
    assert.deepEqual(parseMiLine('&"warning: \\"x\\"\\n"'), { kind: 'log', text: 'warning: "x"\n' });
    assert.deepEqual(parseMiLine('~"emoji \u{1F600}"'), { kind: 'console', text: 'emoji \u{1F600}' });
  });

  it('reads the prompt and empty tuples and lists', () => {
    assert.deepEqual(parseMiLine('(gdb) '), { kind: 'prompt' });
    assert.deepEqual(parseMiLine('^done,a={},b=[]'), {
      kind: 'result',
      token: undefined,
      cls: 'done',
      results: { a: {}, b: [] },
    });
  });

  it('turns a name repeated in one tuple into a list (MI2 multi-location breakpoints)', () => {
    const rec = parseMiLine('^done,bkpt={number="1"},bkpt={number="1.1"},bkpt={number="1.2"}');
    assert.deepEqual((rec as Extract<MiRecord, { kind: 'result' }>).results.bkpt, [
      { number: '1' },
      { number: '1.1' },
      { number: '1.2' },
    ]);
  });

  it('keeps a hostile result name an ordinary field', () => {
    const rec = parseMiLine('^done,__proto__={polluted="yes"}') as Extract<MiRecord, { kind: 'result' }>;
    assert.equal(rec.kind, 'result');
    assert.deepEqual(Object.keys(rec.results), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('reports malformed lines as unparsed with a reason', () => {
    for (const line of [
      '^done,x="unterminated',
      '^done,x=',
      'plain inferior output',
      '^done,x="a"junk',
      '123',
      '^',
      '*stopped,={}',
    ]) {
      const rec = parseMiLine(line);
      assert.equal(rec.kind, 'unparsed', line);
      assert.ok((rec as { error: string }).error.length > 0);
    }
  });

  it('never throws on random input (seeded fuzz)', () => {
    let seed = 0x2545f491;
    const rand = (n: number): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const alphabet = [
      '^',
      '*',
      '=',
      '~',
      '@',
      '&',
      '+',
      '{',
      '}',
      '[',
      ']',
      ',',
      '"',
      '\\',
      'a',
      'done',
      '=',
      '1',
      '7',
      '\n',
      'é',
      '\u{1F600}',
    ];
    const seeds = [
      '^done,stack=[frame={level="0",addr="0x1"}]',
      '*stopped,reason="breakpoint-hit",frame={args=[{name="c",value="116 \'t\'"}]}',
      '~"x\\n"',
    ];
    for (let i = 0; i < 5000; i++) {
      let line: string;
      if (i % 2 === 0) {
        line = Array.from({ length: rand(40) }, () => alphabet[rand(alphabet.length)]).join('');
      } else {
        const chars = [...seeds[rand(seeds.length)]];
        for (let k = rand(4) + 1; k > 0; k--)
          chars.splice(rand(chars.length + 1), rand(2), alphabet[rand(alphabet.length)]);
        line = chars.join('');
      }
      const rec = parseMiLine(line);
      assert.ok(
        ['result', 'exec', 'status', 'notify', 'console', 'target', 'log', 'prompt', 'unparsed'].includes(rec.kind),
      );
    }
    assert.equal(parseMiLine('^done,x=' + '['.repeat(200_000)).kind, 'unparsed');
  });
});
