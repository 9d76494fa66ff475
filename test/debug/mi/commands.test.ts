// MI command builders: paths and expressions are quoted so spaces, quotes and newlines cannot break a command.
import { strict as assert } from 'node:assert';
import { breakDelete, breakInsert, breakWatch } from '../../../src/debug/mi/commands/breakpoints';
import {
  dataDisassemble,
  dataEvaluateExpression,
  dataListRegisterValues,
  dataReadMemoryBytes,
  dataWriteMemoryBytes,
} from '../../../src/debug/mi/commands/data';
import { execFinish, execNext, execStep } from '../../../src/debug/mi/commands/execution';
import { consoleCommand, fileExecAndSymbols, gdbSet, targetSelectRemote } from '../../../src/debug/mi/commands/session';
import { stackListFrames } from '../../../src/debug/mi/commands/stack';
import { varAssign, varCreate, varListChildren } from '../../../src/debug/mi/commands/varobj';
import { parseMiLine } from '../../../src/debug/mi/parse';
import { miQuote } from '../../../src/debug/mi/quote';

describe('MI command builders', () => {
  it('quotes file paths with spaces, quotes and backslashes in line breakpoints', () => {
    assert.equal(
      breakInsert(
        { kind: 'line', file: 'C:\\fw dir\\"main".c', line: 42 },
        { condition: 'n > 3 && s[0] == "x"', ignoreCount: 4 },
      ),
      '-break-insert -c "n > 3 && s[0] == \\"x\\"" -i 4 --source "C:\\\\fw dir\\\\\\"main\\".c" --line 42',
    );
  });

  it('builds function, address, temporary and watchpoint commands', () => {
    assert.equal(
      breakInsert({ kind: 'function', name: 'main' }, { temporary: true }),
      '-break-insert -t --function "main"',
    );
    assert.equal(breakInsert({ kind: 'address', address: 0x10000ebc }), '-break-insert "*0x10000ebc"');
    assert.equal(breakDelete([1, 7]), '-break-delete 1 7');
    assert.equal(breakWatch('g_sensor.seq', 'write'), '-break-watch "g_sensor.seq"');
    assert.equal(breakWatch('x', 'read'), '-break-watch -r "x"');
    assert.equal(breakWatch('x', 'readWrite'), '-break-watch -a "x"');
  });

  it('never lets a newline reach the command line', () => {
    const cmd = consoleCommand('info registers\n-gdb-exit');
    assert.ok(!/[\r\n]/.test(cmd));
    assert.equal(cmd, '-interpreter-exec console "info registers\\n-gdb-exit"');
    assert.equal(miQuote('a\u0001b'), '"a\\001b"');
  });

  it('round-trips quoted strings through the MI c-string decoder', () => {
    for (const s of ['plain', 'with "quotes"', 'back\\slash', 'tab\tnew\nline', 'ünïcödé']) {
      const rec = parseMiLine('~' + miQuote(s));
      assert.deepEqual(rec, { kind: 'console', text: s });
    }
  });

  it('puts --thread/--frame right after the operation', () => {
    assert.equal(
      varCreate('g_sensor.ring', { thread: 1, frame: 2 }),
      '-var-create --thread 1 --frame 2 - * "g_sensor.ring"',
    );
    assert.equal(varCreate('x'), '-var-create - @ "x"');
    assert.equal(stackListFrames(1, 0, 20), '-stack-list-frames --thread 1 0 20');
    assert.equal(execNext(1, true), '-exec-next-instruction --thread 1');
    assert.equal(execStep(1, false), '-exec-step --thread 1');
    assert.equal(execFinish(1, 0), '-exec-finish --thread 1 --frame 0');
    assert.equal(
      dataListRegisterValues({ thread: 1, frame: 0 }, [0, 15]),
      '-data-list-register-values --thread 1 --frame 0 --skip-unavailable x 0 15',
    );
    assert.equal(
      dataEvaluateExpression('$pc', { thread: 1, frame: 0 }),
      '-data-evaluate-expression --thread 1 --frame 0 "$pc"',
    );
  });

  it('builds memory, disassembly and variable-object paging commands', () => {
    assert.equal(dataReadMemoryBytes(0x38000000, 64), '-data-read-memory-bytes 0x38000000 64');
    assert.equal(
      dataWriteMemoryBytes(0x38000000, Uint8Array.from([0, 0xab, 7])),
      '-data-write-memory-bytes 0x38000000 00ab07',
    );
    assert.equal(dataDisassemble(0x100, 0x140), '-data-disassemble -s 0x100 -e 0x140 -- 5');
    assert.equal(varListChildren('var3', 100, 200), '-var-list-children --all-values "var3" 100 200');
    assert.equal(varAssign('var1.seq', '7'), '-var-assign "var1.seq" "7"');
    assert.equal(fileExecAndSymbols('/a b/firmware.elf'), '-file-exec-and-symbols "/a b/firmware.elf"');
    assert.equal(targetSelectRemote('127.0.0.1', 3333), '-target-select extended-remote 127.0.0.1:3333');
    assert.equal(gdbSet('remote hardware-watchpoint-limit', '4'), '-gdb-set remote hardware-watchpoint-limit 4');
  });

  it('rejects values that would put junk on the command line', () => {
    assert.throws(() => stackListFrames(1, -1, 3), RangeError);
    assert.throws(() => dataReadMemoryBytes(0x100, 1.5), RangeError);
    assert.throws(() => dataWriteMemoryBytes(0x100, new Uint8Array(0)), RangeError);
    assert.throws(() => targetSelectRemote('host; shell', 1), RangeError);
    assert.throws(() => targetSelectRemote('127.0.0.1', 70000), RangeError);
    assert.throws(() => gdbSet('x', 'a\nb'), RangeError);
  });
});
