// Busy deferral: reading the firmware's answer, and waiting until it is idle.
import assert from 'node:assert/strict';
import { consoleBusyProbe, parseBusyReply, waitWhileBusy } from '../../../src/agent/ota/busy';

describe('agent/ota/busy', () => {
  it('reads the answers firmwares give to `get busy`', () => {
    assert.equal(parseBusyReply('busy 0'), false);
    assert.equal(parseBusyReply('busy 1000'), true);
    assert.equal(parseBusyReply('get busy\r\nbusy 3\r\n'), true);
    assert.equal(parseBusyReply('busy=1'), true);
    assert.equal(parseBusyReply('busy: no'), false);
    assert.equal(parseBusyReply('idle'), false);
    assert.equal(parseBusyReply("unknown variable 'busy' (try 'get')"), undefined);
  });

  it('asks the console and refuses to guess on an unknown answer', async () => {
    const asked: string[] = [];
    const probe = consoleBusyProbe(async (cmd) => {
      asked.push(cmd);
      return 'busy 0';
    });
    assert.equal(await probe(), false);
    assert.deepEqual(asked, ['get busy']);
    await assert.rejects(consoleBusyProbe(async () => 'what?')(), /unexpected answer/);
  });

  it('reports busy once, then returns when the firmware is idle', async () => {
    const answers = [true, true, false];
    const reports: string[] = [];
    await waitWhileBusy(async () => answers.shift() ?? false, {
      pollMs: 1,
      onBusy: (r) => reports.push(r),
      onProbeError: () => assert.fail('no probe error expected'),
    });
    assert.equal(reports.length, 1);
    assert.equal(answers.length, 0);
  });

  it('proceeds when the firmware cannot answer, and stops when canceled', async () => {
    const errors: string[] = [];
    await waitWhileBusy(async () => Promise.reject(new Error('no console')), {
      pollMs: 1,
      onBusy: () => undefined,
      onProbeError: (e) => errors.push(e.message),
    });
    assert.deepEqual(errors, ['no console']);
    const ctl = new AbortController();
    const waiting = waitWhileBusy(async () => true, {
      pollMs: 10_000,
      signal: ctl.signal,
      onBusy: () => ctl.abort(new Error('canceled')),
      onProbeError: () => undefined,
    });
    await assert.rejects(waiting, /canceled/);
  });
});
