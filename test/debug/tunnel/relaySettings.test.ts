// Where a `device` debug session gets its relay and operator key: launch.json, adapter flags, env, config file.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DebugError, ErrorCode } from '../../../src/debug/errors';
import { relaySettingsFor } from '../../../src/debug/tunnel/relaySettings';

describe('relay settings of a device debug session', () => {
  let home: string;
  const noEnv = {};

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'outpost-home-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  function writeConfig(config: unknown): string {
    const dir = join(home, '.config', 'outpost');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
    return join(dir, 'config.json');
  }

  it('takes launch.json "relay" and "identityFile" over flags, env and the config file', () => {
    writeConfig({ relay: 'ws://file:1', key: 'file.key' });
    const s = relaySettingsFor(
      { device: 'sensor-01', relay: 'wss://launch.example', identityFile: '/keys/ana.key' },
      { relay: 'ws://flag:1', key: '/flag.key', env: { OUTPOST_RELAY: 'ws://env:1', OUTPOST_KEY: '/env.key' }, home },
    );
    assert.deepEqual(s, { relay: 'wss://launch.example', keyFile: '/keys/ana.key' });
  });

  it('falls back to the adapter flags, then OUTPOST_RELAY / OUTPOST_KEY, each on its own', () => {
    const env = { OUTPOST_RELAY: 'ws://env:1', OUTPOST_KEY: 'env.key' };
    assert.deepEqual(relaySettingsFor({ device: 'd' }, { relay: 'ws://flag:1', env, cwd: '/work', home }), {
      relay: 'ws://flag:1',
      keyFile: '/work/env.key',
    });
  });

  it('falls back to ~/.config/outpost/config.json, its key relative to the file', () => {
    const file = writeConfig({ relay: 'wss://relay.example', key: 'keys/ana.key' });
    assert.deepEqual(relaySettingsFor({ device: 'd' }, { env: noEnv, home }), {
      relay: 'wss://relay.example',
      keyFile: join(file, '..', 'keys', 'ana.key'),
    });
  });

  it('says where to set a missing relay or key', () => {
    assert.throws(
      () => relaySettingsFor({ device: 'sensor-01' }, { env: noEnv, home }),
      (err: unknown) => {
        assert.ok(err instanceof DebugError);
        assert.equal(err.code, ErrorCode.RelayNotConfigured);
        assert.match(
          err.message,
          /^no relay to reach device "sensor-01" through: set "relay" in launch\.json, OUTPOST_RELAY, or "relay" in .*config\.json$/,
        );
        return true;
      },
    );
    assert.throws(
      () => relaySettingsFor({ device: 'sensor-01', relay: 'ws://r:1' }, { env: noEnv, home }),
      /^DebugError: no operator key for ws:\/\/r:1: set "identityFile" in launch\.json, OUTPOST_KEY, or "key" in /,
    );
  });

  it('reports a broken config file as such', () => {
    writeConfig('{ not json');
    assert.throws(
      () => relaySettingsFor({ device: 'd' }, { env: noEnv, home }),
      (err: unknown) => err instanceof DebugError && /config\.json is not valid JSON/.test(err.message),
    );
  });
});
