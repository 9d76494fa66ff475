// The known devices file: beside the config file unless OUTPOST_KNOWN_DEVICES says, 0600, replaced whole, never
// overwritten when broken.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KnownDevicesError, knownDevicesFile, knownDevicesPath } from '../../src/common/knownDevicesFile';
import { generateIdentity } from '../../src/protocol/identity';

describe('known devices file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'outpost-pins-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives beside the config file, or where OUTPOST_KNOWN_DEVICES says', () => {
    assert.equal(knownDevicesPath({}, '/home/ann'), '/home/ann/.config/outpost/known_devices.json');
    assert.equal(knownDevicesPath({ XDG_CONFIG_HOME: '/xdg' }, '/home/ann'), '/xdg/outpost/known_devices.json');
    assert.equal(knownDevicesPath({ OUTPOST_KNOWN_DEVICES: '/ci/pins.json' }, '/home/ann'), '/ci/pins.json');
  });

  it('creates its folder, writes mode 0600, leaves no temporary or lock file, and reads the pin back', async () => {
    const file = join(dir, 'nested', 'known_devices.json');
    const store = knownDevicesFile(file);
    const key = generateIdentity().publicKeyText;
    assert.equal(store.get('ws://127.0.0.1:7600', 'sensor-01'), undefined);
    await store.pin('ws://127.0.0.1:7600', 'sensor-01', key);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(join(dir, 'nested')), ['known_devices.json']);
    assert.equal(knownDevicesFile(file).get('ws://127.0.0.1:7600/', 'sensor-01')?.publicKey, key);
    assert.equal((await store.forget('ws://127.0.0.1:7600', 'sensor-01'))?.publicKey, key);
    assert.equal(store.get('ws://127.0.0.1:7600', 'sensor-01'), undefined);
  });

  it('refuses a broken file with one line naming it, and leaves it as it was', async () => {
    const file = join(dir, 'known_devices.json');
    writeFileSync(file, '{"version": 1, "relays": ');
    const store = knownDevicesFile(file);
    const isInvalid = (e: unknown): boolean =>
      e instanceof KnownDevicesError && e.code === 'INVALID' && e.message.includes(file) && !e.message.includes('\n');
    assert.throws(() => store.get('ws://r', 'a'), isInvalid);
    await assert.rejects(store.pin('ws://r', 'a', generateIdentity().publicKeyText), isInvalid);
    assert.equal(readFileSync(file, 'utf8'), '{"version": 1, "relays": ');
    assert.deepEqual(readdirSync(dir), ['known_devices.json'], 'no lock left behind');
  });
});
