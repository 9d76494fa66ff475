// The status bar: connection state and online counts, and what a click does.
import assert from 'node:assert/strict';
import { relayLabel, statusView } from '../../src/extension/statusModel';

describe('status bar', () => {
  const counts = { online: 3, total: 5 };

  it('offers to connect when disconnected', () => {
    const v = statusView({ kind: 'disconnected' }, counts);
    assert.equal(v.text, '$(debug-disconnect) Outpost');
    assert.equal(v.command, 'outpost.connect');
  });

  it('shows the relay host and n/m devices online when connected', () => {
    const v = statusView(
      {
        kind: 'connected',
        relay: 'wss://relay.example.com:8443/',
        operator: 'ana',
        role: 'debugger',
        deployments: false,
      },
      counts,
    );
    assert.equal(v.text, '$(radio-tower) relay.example.com:8443 · 3/5 online');
    assert.match(v.tooltip, /as ana \(debugger\)/);
    assert.equal(v.command, 'outpost.showFleet');
    assert.equal(v.background, undefined);
  });

  it('warns while reconnecting and shows an error after a refusal', () => {
    const r = statusView(
      { kind: 'reconnecting', relay: 'ws://127.0.0.1:7600', reason: 'connection lost', retryInMs: 4200 },
      counts,
    );
    assert.equal(r.text, '$(sync~spin) 127.0.0.1:7600 · reconnecting');
    assert.match(r.tooltip, /retrying in 5 s/);
    assert.equal(r.background, 'statusBarItem.warningBackground');
    const f = statusView(
      {
        kind: 'failed',
        relay: 'ws://127.0.0.1:7600',
        message: 'The relay does not accept this identity.',
        problem: { kind: 'identity', message: 'The relay does not accept this identity.', retryable: false },
      },
      counts,
    );
    assert.equal(f.command, 'outpost.connect');
    assert.equal(f.background, 'statusBarItem.errorBackground');
  });

  it('labels a relay by host, or by the text when it is not a URL', () => {
    assert.equal(relayLabel('ws://127.0.0.1:7600'), '127.0.0.1:7600');
    assert.equal(relayLabel('relay'), 'relay');
  });
});
