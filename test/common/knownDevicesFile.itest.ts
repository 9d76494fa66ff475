// The known devices file under concurrent writers: `outpost devices forget` processes and pinning processes at once
// lose no change and never leave a broken, partial or world-readable file.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseKnownDevices } from '../../src/common/knownDevices';
import { knownDevicesFile } from '../../src/common/knownDevicesFile';
import { generateIdentity } from '../../src/protocol/identity';
import { runOutpost } from '../helpers/outpostCli';

const relay = 'ws://127.0.0.1:7600';

/** Runs the pinning fixture as its own process; resolves with its exit code. */
function pinInAnotherProcess(file: string, prefix: string, count: number): Promise<number | null> {
  const script = resolve(__dirname, 'fixtures', 'pinMany.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, file, relay, prefix, String(count)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((done) => child.on('exit', (code) => done(code)));
}

describe('known devices file with concurrent writers', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'outpost-pins-concurrent-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every pin and every forget when CLI processes and other writers change it at once', async () => {
    const file = join(dir, 'known_devices.json');
    const store = knownDevicesFile(file);
    const old = Array.from({ length: 8 }, (_, i) => `old-${i}`);
    for (const name of old) await store.pin(relay, name, generateIdentity().publicKeyText);

    const env = { OUTPOST_KNOWN_DEVICES: file };
    const [forgets, pinners] = await Promise.all([
      Promise.all(
        old.map((name) => runOutpost(['devices', 'forget', name, '--relay', relay], { env, timeoutMs: 60_000 })),
      ),
      Promise.all([pinInAnotherProcess(file, 'a', 20), pinInAnotherProcess(file, 'b', 20)]),
    ]);
    for (const r of forgets) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^forgot the key pinned for device "old-\d"/);
    }
    assert.deepEqual(pinners, [0, 0]);

    const parsed = parseKnownDevices(readFileSync(file, 'utf8'));
    assert.ok(parsed.ok, 'the file is whole and valid');
    const names = Object.keys(parsed.known[relay]).sort();
    const expected = [...Array.from({ length: 20 }, (_, i) => [`a-${i}`, `b-${i}`]).flat()].sort();
    assert.deepEqual(names, expected, 'every pin made, every forgotten one gone');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['known_devices.json'], 'no temporary or lock file left behind');
  });

  it('says so in one line, exit 1, when the device has no pin', async () => {
    const file = join(dir, 'other.json');
    const r = await runOutpost(['devices', 'forget', 'ghost', '--relay', relay], {
      env: { OUTPOST_KNOWN_DEVICES: file },
    });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /no key is pinned for device "ghost" on ws:\/\/127\.0\.0\.1:7600/);
  });
});
