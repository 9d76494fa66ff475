// Moving a pin along a signed key rotation: only from the key pinned, in memory and in the known devices file.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { memoryPinStore, type DevicePinStore } from '../../src/common/knownDevices';
import { knownDevicesFile } from '../../src/common/knownDevicesFile';
import { generateIdentity } from '../../src/protocol/identity';

const relay = 'ws://127.0.0.1:7600';
const [keyA, keyB, keyC] = [1, 2, 3].map(() => generateIdentity().publicKeyText);

describe('moving a pinned device key', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-pin-move-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const stores: [string, () => DevicePinStore][] = [
    ['memory', () => memoryPinStore()],
    ['file', () => knownDevicesFile(path.join(dir, `${Math.random().toString(16).slice(2)}.json`))],
  ];
  for (const [kind, make] of stores) {
    it(`moves a pin from the key it holds, and leaves a pin that holds another key (${kind})`, async () => {
      const pins = make();
      await pins.pin(relay, 'vault', keyA);
      await pins.pin(relay, 'other', keyC);
      assert.equal((await pins.move(relay, 'vault', keyA, keyB)).publicKey, keyB);
      assert.equal(pins.get(relay, 'vault')?.publicKey, keyB);
      // Another process moved or re-pinned it meanwhile: nothing changes, the pin in force comes back.
      assert.equal((await pins.move(relay, 'vault', keyA, keyC)).publicKey, keyB);
      assert.equal(pins.get('ws://127.0.0.1:7600/', 'other')?.publicKey, keyC, 'other devices untouched');
    });
  }
});
