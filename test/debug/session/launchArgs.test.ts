// launch.json validation: defaults, and one error naming the attribute at fault.
import { strict as assert } from 'node:assert';
import { DebugError, ErrorCode } from '../../../src/debug/errors';
import { parseDebugArgs } from '../../../src/debug/session/launchArgs';

describe('parseDebugArgs', () => {
  it('fills defaults: attach keeps running, 4 watchpoints, faults caught, run to main on launch', () => {
    const a = parseDebugArgs('attach', { gdbTarget: '127.0.0.1:1234', executable: '/fw.elf' });
    assert.equal(a.stopOnEntry, false);
    assert.equal(a.hardwareWatchpointLimit, 4);
    assert.equal(a.catchFaults, true);
    assert.equal(a.runToFunction, 'main');
    assert.deepEqual(a.initCommands, []);
  });

  it('needs an executable', () => {
    assert.throws(
      () => parseDebugArgs('attach', { gdbTarget: 'h:1' }),
      (e: DebugError) => e.code === ErrorCode.ExecutableMissing,
    );
  });

  it('names the attribute with the wrong type', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ stopOnEntry: 'yes' }, /"stopOnEntry" must be true or false/],
      [{ initCommands: 'x' }, /"initCommands" must be a list of strings/],
      [{ stubKind: 'segger' }, /"stubKind" must be qemu, openocd/],
      [{ hardwareWatchpointLimit: -1 }, /"hardwareWatchpointLimit" must be an integer/],
      [{ gdbPath: 5 }, /"gdbPath" must be a string/],
    ];
    for (const [extra, re] of cases) {
      assert.throws(
        () => parseDebugArgs('launch', { executable: '/fw.elf', ...extra }),
        (e: DebugError) => e.code === ErrorCode.BadArguments && re.test(e.message),
      );
    }
  });
});
