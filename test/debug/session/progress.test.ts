// Progress events: only for a client that asked for them; delayed ones only for work still running after the delay.
import { strict as assert } from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ProgressReporter } from '../../../src/debug/session/progress';

function reporter(supports: boolean | undefined): { events: DebugProtocol.Event[]; progress: ProgressReporter } {
  const events: DebugProtocol.Event[] = [];
  const progress = new ProgressReporter((e) => events.push(e));
  progress.clientCapabilities({ adapterID: 'outpost', supportsProgressReporting: supports });
  return { events, progress };
}

const summary = (events: DebugProtocol.Event[]): string[] =>
  events.map((e) => {
    const b = e.body as { title?: string; message?: string; percentage?: number };
    return [e.event, b.title, b.message, b.percentage].filter((x) => x !== undefined).join(' ');
  });

describe('ProgressReporter', () => {
  it('sends start, updates and one end to a client that supports progress', () => {
    const { events, progress } = reporter(true);
    const p = progress.begin('Attaching to sensor-01');
    p.update('reaching sensor-01 through the relay');
    p.update('flashing', 140);
    p.end();
    p.end();
    p.update('too late');
    assert.deepEqual(summary(events), [
      'progressStart Attaching to sensor-01',
      'progressUpdate reaching sensor-01 through the relay',
      'progressUpdate flashing 100',
      'progressEnd',
    ]);
    const ids = new Set(events.map((e) => (e.body as { progressId: string }).progressId));
    assert.equal(ids.size, 1);
  });

  it('sends nothing to a client that did not declare supportsProgressReporting', async () => {
    for (const supports of [false, undefined]) {
      const { events, progress } = reporter(supports);
      progress.begin('Attaching').end();
      const later = progress.after(0, 'Stepping over');
      await sleep(5);
      later.end();
      assert.deepEqual(events, []);
    }
  });

  it('shows delayed progress only when the work outlasts the delay, with the latest message', async () => {
    const { events, progress } = reporter(true);
    progress.after(0, 'Stepping over').end();
    await sleep(5);
    assert.deepEqual(events, [], 'a step that stopped at once shows nothing');

    const slow = progress.after(0, 'Stepping over');
    slow.update('waiting for the device');
    await sleep(5);
    slow.end();
    assert.deepEqual(summary(events), [
      'progressStart Stepping over',
      'progressUpdate waiting for the device',
      'progressEnd',
    ]);
  });

  it('gives every progress its own id', () => {
    const { events, progress } = reporter(true);
    progress.begin('a').end();
    progress.begin('b').end();
    const ids = events.map((e) => (e.body as { progressId: string }).progressId);
    assert.notEqual(ids[0], ids[2]);
  });
});
