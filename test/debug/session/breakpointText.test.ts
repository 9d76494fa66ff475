// Hit conditions and logpoint messages as the editor writes them.
import { strict as assert } from 'node:assert';
import { parseHitCondition } from '../../../src/debug/session/hitCondition';
import { parseLogMessage, renderLogMessage } from '../../../src/debug/session/logMessage';

describe('parseHitCondition', () => {
  it('maps N, ==N, >=N and >N onto GDB ignore counts, %N onto every Nth hit', () => {
    assert.deepEqual(parseHitCondition('5'), { ignore: 4 });
    assert.deepEqual(parseHitCondition('== 5'), { ignore: 4 });
    assert.deepEqual(parseHitCondition('>=5'), { ignore: 4 });
    assert.deepEqual(parseHitCondition('> 5'), { ignore: 5 });
    assert.deepEqual(parseHitCondition('%3'), { every: 3 });
    assert.deepEqual(parseHitCondition('1'), { ignore: 0 });
  });

  it('explains conditions it cannot do', () => {
    assert.match(parseHitCondition('< 5') as string, /must be N, >= N, > N or % N/);
    assert.match(parseHitCondition('0') as string, /at least 1/);
    assert.match(parseHitCondition('abc') as string, /must be/);
  });
});

describe('logpoint messages', () => {
  it('splits text and {expressions}, with {{ }} as literal braces', () => {
    const parts = parseLogMessage('reading {rd.seq}: {rd.centi_c / 100}C {{raw}}');
    assert.deepEqual(parts, [
      { text: 'reading ' },
      { expression: 'rd.seq' },
      { text: ': ' },
      { expression: 'rd.centi_c / 100' },
      { text: 'C {raw}' },
    ]);
    assert.equal(renderLogMessage(parts, ['7', '22']), 'reading 7: 22C {raw}');
  });

  it('keeps an unclosed brace as text', () => {
    assert.deepEqual(parseLogMessage('x={x} and {oops'), [{ text: 'x=' }, { expression: 'x' }, { text: ' and {oops' }]);
  });
});
