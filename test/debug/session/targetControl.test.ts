// The session queue's idea of whether the target runs, when GDB reports a step's stop together with its answer.
import { strict as assert } from 'node:assert';
import type { GdbProcess, MiAnswer } from '../../../src/debug/gdb/gdbProcess';
import type { MiAsyncRecord } from '../../../src/debug/mi/types';
import { TargetControl } from '../../../src/debug/session/targetControl';
import type { MiTuple } from '../../../src/debug/mi/types';

/**
 * Stands in for GDB the way a fast stub makes it behave: `^running`, `*running` and `*stopped` arrive in one read,
 * so the async records are handled before the code awaiting the answer continues.
 */
function fastStubGdb(onCommand: (command: string) => 'stops' | 'fails' | 'runs') {
  const listeners: Array<(r: MiAsyncRecord) => void> = [];
  const emit = (cls: string, results: MiTuple): void => listeners.forEach((l) => l({ kind: 'exec', cls, results }));
  const gdb = {
    onAsync: (l: (r: MiAsyncRecord) => void) => listeners.push(l),
    send: (command: string): Promise<MiAnswer> => {
      const what = onCommand(command);
      if (what === 'fails') return Promise.reject(new Error(`${command}: Cannot execute this command now`));
      const answer = Promise.resolve({ cls: 'running', results: {}, console: '' });
      emit('running', { 'thread-id': 'all' });
      if (what === 'stops') emit('stopped', { reason: 'end-stepping-range' });
      return answer;
    },
  };
  return gdb as unknown as GdbProcess;
}

describe('TargetControl', () => {
  it('knows the target stopped when a step’s stop arrives together with its ^running', async () => {
    const stops: MiTuple[] = [];
    const control = new TargetControl(
      fastStubGdb(() => 'stops'),
      1000,
      (err) => assert.fail(String(err)),
    );
    control.setStopHandler(async (stop) => void stops.push(stop));
    await control.run(() => control.resume('-exec-step-instruction --thread 1'));
    await control.run(() => Promise.resolve());
    assert.equal(stops.length, 1, 'the stop was delivered');
    assert.equal(control.running, false);
    // The editor's next request (a stack trace) is served, not refused as "running".
    assert.equal(await control.stopped(() => Promise.resolve('served')), 'served');
  });

  it('counts the target as running after a resume whose stop is still to come', async () => {
    const control = new TargetControl(
      fastStubGdb(() => 'runs'),
      1000,
      (err) => assert.fail(String(err)),
    );
    await control.run(() => control.resume('-exec-continue'));
    assert.equal(control.running, true);
    await assert.rejects(
      control.stopped(() => Promise.resolve()),
      /the target is running: pause it first/,
    );
  });

  it('stays stopped when GDB refuses the resume', async () => {
    const control = new TargetControl(
      fastStubGdb(() => 'fails'),
      1000,
      (err) => assert.fail(String(err)),
    );
    await assert.rejects(
      control.run(() => control.resume('-exec-next --thread 1')),
      /Cannot execute/,
    );
    assert.equal(control.running, false);
  });
});
