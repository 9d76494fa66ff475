// Test isolation for pinned device keys: each relay a test starts gets a known devices file of its own, never ~/.config.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let dir: string | undefined;
let count = 0;

/**
 * Points OUTPOST_KNOWN_DEVICES (read by every operator client this process or its children connect) at a new, empty
 * file. Relays on ephemeral ports reuse ports across tests, and device names repeat: a pin left by an earlier relay
 * on the same port would refuse a later one's device as a changed key. Called by the relay helpers on each start.
 */
export function freshKnownDevicesFile(): string {
  if (!dir) {
    const made = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-pins-'));
    process.once('exit', () => fs.rmSync(made, { recursive: true, force: true }));
    dir = made;
  }
  count += 1;
  const file = path.join(dir, `known_devices-${count}.json`);
  process.env.OUTPOST_KNOWN_DEVICES = file;
  return file;
}

// On import, so that operator clients of tests that start their relay some other way never touch ~/.config either.
freshKnownDevicesFile();
