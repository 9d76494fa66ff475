// A/B slots: the state survives restarts, a corrupt state file never blocks updates, outcomes stay bounded.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inactiveSlot, initialOtaState, SlotStore, withResult } from '../../../src/agent/ota/slots';

describe('agent/ota/slots', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-slots-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('starts fresh, saves atomically and reads back', () => {
    const store = new SlotStore(dir);
    const state = store.load();
    assert.deepEqual(state, initialOtaState());
    assert.equal(inactiveSlot(state), 'a');
    store.save({ ...state, active: 'a', antiRollbackFloor: 7 });
    const back = new SlotStore(dir).load();
    assert.equal(back.active, 'a');
    assert.equal(back.antiRollbackFloor, 7);
    assert.equal(inactiveSlot(back), 'b');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['slots', 'state.json']);
  });

  it('moves a corrupt state file aside and starts fresh', () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'state.json'), '{"formatVersion": 1, "act');
    const notes: string[] = [];
    const state = new SlotStore(dir).load((d) => notes.push(d));
    assert.deepEqual(state, initialOtaState());
    assert.equal(notes.length, 1);
    assert.ok(fs.readdirSync(dir).some((n) => n.startsWith('state.json.corrupt-')));
  });

  it('keeps the newest outcome per deployment and image, at most 16', () => {
    let state = initialOtaState();
    for (let i = 0; i < 20; i++)
      state = withResult(state, { deploymentId: `d${i}`, imageSha256: 'x', state: 'confirmed', at: 't' });
    state = withResult(state, { deploymentId: 'd19', imageSha256: 'x', state: 'failed', at: 't2' });
    assert.equal(state.results.length, 16);
    assert.deepEqual(
      state.results.slice(0, 2).map((r) => [r.deploymentId, r.state]),
      [
        ['d19', 'failed'],
        ['d18', 'confirmed'],
      ],
    );
  });
});
