// Which relay and identity the extension picks: settings > SecretStorage > OUTPOST_* / config file.
import assert from 'node:assert/strict';
import { relayUrlProblem, resolveConnectionConfig } from '../../src/extension/connectionConfig';

const cli = {
  relay: { value: 'ws://from-env:7600', source: 'env' as const },
  key: { value: '/home/ana/.config/outpost/ana.key', source: 'file' as const },
  configFile: '/home/ana/.config/outpost/config.json',
};

describe('connection config', () => {
  it('prefers the settings', () => {
    const c = resolveConnectionConfig(
      { settings: { relay: 'wss://relay.example.com', identityFile: '~/keys/me.key' }, storedIdentity: '{}', cli },
      '/home/ana',
    );
    assert.deepEqual(c.relay, { url: 'wss://relay.example.com', origin: 'setting outpost.relay' });
    assert.deepEqual(c.identity, {
      kind: 'file',
      path: '/home/ana/keys/me.key',
      origin: 'setting outpost.identityFile',
    });
  });

  it('uses the identity kept in SecretStorage before the CLI key', () => {
    const c = resolveConnectionConfig({ settings: { relay: ' ' }, storedIdentity: '{"type":"x"}', cli }, '/home/ana');
    assert.deepEqual(c.relay, { url: 'ws://from-env:7600', origin: 'OUTPOST_RELAY' });
    assert.deepEqual(c.identity, { kind: 'secret', json: '{"type":"x"}', origin: 'identity stored by Outpost' });
  });

  it('falls back to what the CLI would use, then to nothing', () => {
    const c = resolveConnectionConfig({ settings: {}, cli }, '/home/ana');
    assert.deepEqual(c.identity, { kind: 'file', path: '/home/ana/.config/outpost/ana.key', origin: 'config file' });
    assert.deepEqual(resolveConnectionConfig({ settings: {} }, '/home/ana'), { relay: undefined, identity: undefined });
  });

  it('accepts ws:// and wss:// relay URLs only', () => {
    assert.equal(relayUrlProblem('ws://127.0.0.1:7600'), undefined);
    assert.equal(relayUrlProblem('wss://relay.example.com'), undefined);
    assert.match(relayUrlProblem('http://relay.example.com')!, /ws:\/\/ or wss:\/\//);
    assert.match(relayUrlProblem('relay.example.com')!, /Enter a relay URL/);
  });
});
