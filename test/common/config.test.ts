// Unit tests of config resolution: flags > OUTPOST_RELAY / OUTPOST_KEY > ~/.config/outpost/config.json.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, configFilePath, resolveConfig } from '../../src/common/config';

describe('resolveConfig', () => {
  let home: string;
  let file: string;
  const write = (data: unknown): void => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data));
  };

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-config-'));
    file = path.join(home, '.config', 'outpost', 'config.json');
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('looks for ~/.config/outpost/config.json, or under XDG_CONFIG_HOME', () => {
    assert.equal(configFilePath({}, home), file);
    assert.equal(configFilePath({ XDG_CONFIG_HOME: '/etc/xdg-test' }, home), '/etc/xdg-test/outpost/config.json');
  });

  it('prefers flags over the environment over the file, per setting', () => {
    write({ relay: 'ws://file:1', key: 'file.key' });
    const env = { OUTPOST_RELAY: 'ws://env:2', OUTPOST_KEY: 'env.key' };
    const all = resolveConfig({ flags: { relay: 'ws://flag:3', key: 'flag.key' }, env, cwd: '/work', home });
    assert.deepEqual(all.relay, { value: 'ws://flag:3', source: 'flag' });
    assert.deepEqual(all.key, { value: '/work/flag.key', source: 'flag' });
    const mixed = resolveConfig({ flags: { key: 'flag.key' }, env, cwd: '/work', home });
    assert.deepEqual(mixed.relay, { value: 'ws://env:2', source: 'env' });
    const fileOnly = resolveConfig({ flags: {}, env: {}, cwd: '/work', home });
    assert.deepEqual(fileOnly.relay, { value: 'ws://file:1', source: 'file' });
  });

  it('resolves a relative key in the file against the file, and ~/ against home', () => {
    write({ key: 'keys/me.key' });
    assert.equal(resolveConfig({ flags: {}, env: {}, home }).key?.value, path.join(path.dirname(file), 'keys/me.key'));
    write({ key: '~/me.key' });
    assert.equal(resolveConfig({ flags: {}, env: {}, home }).key?.value, path.join(home, 'me.key'));
  });

  it('leaves settings unset when nothing gives them and the file is missing', () => {
    const r = resolveConfig({ flags: {}, env: {}, home });
    assert.equal(r.relay, undefined);
    assert.equal(r.key, undefined);
    assert.equal(r.configFile, file);
  });

  it('does not read the file when flags give everything', () => {
    write('{ broken');
    assert.equal(resolveConfig({ flags: { relay: 'ws://x:1', key: 'k' }, env: {}, home }).relay?.value, 'ws://x:1');
  });

  it('names the file and the problem when it is broken', () => {
    write('{ broken');
    assert.throws(
      () => resolveConfig({ flags: {}, env: {}, home }),
      (e: Error) => e instanceof ConfigError && e.message.includes(file) && e.message.includes('not valid JSON'),
    );
    write({ relay: 42 });
    assert.throws(() => resolveConfig({ flags: {}, env: {}, home }), /"relay" must be a non-empty string/);
    write([1, 2]);
    assert.throws(() => resolveConfig({ flags: {}, env: {}, home }), /must hold a JSON object/);
  });
});
