// The editor's answer to a device key that differs from the pinned one: the one-line error with a
// "Forget Pinned Key" button that removes the pin from the same known devices file the CLI uses.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyChangedMessage } from '../../src/common/knownDevices';
import { knownDevicesFile } from '../../src/common/knownDevicesFile';
import { silentLogger } from '../../src/common/log';
import { DeviceKeyChanged } from '../../src/link/errors';
import { generateIdentity } from '../../src/protocol/identity';

interface Shown {
  errors: { message: string; buttons: string[] }[];
  infos: string[];
}

/** What the stand-in user does with the next pop-ups: the button to click (none: dismiss) and what they saw. */
let user: { click?: string; shown: Shown } = { shown: { errors: [], infos: [] } };

/** A `vscode` whose pop-ups record what they show and click the button the current `user` picks. */
const fakeVscode = {
  window: {
    showErrorMessage: async (message: string, ...buttons: string[]) => {
      user.shown.errors.push({ message, buttons });
      return user.click && buttons.includes(user.click) ? user.click : undefined;
    },
    showInformationMessage: async (message: string) => void user.shown.infos.push(message),
  },
};

describe('extension: a device key that differs from the pinned one', () => {
  let dir: string;
  let saved: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-ext-pins-'));
    saved = process.env.OUTPOST_KNOWN_DEVICES;
    process.env.OUTPOST_KNOWN_DEVICES = join(dir, 'known_devices.json');
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.OUTPOST_KNOWN_DEVICES;
    else process.env.OUTPOST_KNOWN_DEVICES = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  async function report(err: unknown, click: string | undefined): Promise<Shown> {
    user = { click, shown: { errors: [], infos: [] } };
    const mod = Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown };
    const load = mod._load;
    mod._load = (req, ...rest) => (req === 'vscode' ? fakeVscode : load(req, ...rest));
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const runner = require('../../src/extension/commandRunner') as typeof import('../../src/extension/commandRunner');
      const services = { log: silentLogger, output: { show: () => undefined } };
      await runner.reportError(services as never, 'outpost.openConsole', err);
    } finally {
      mod._load = load;
      // Modules loaded against this stand-in `vscode` must not serve later tests, which bring their own.
      for (const id of Object.keys(require.cache))
        if (id.includes(`${join('src', 'extension')}`)) delete require.cache[id];
    }
    return user.shown;
  }

  async function changedKey(relay: string, device: string): Promise<DeviceKeyChanged> {
    const pin = await knownDevicesFile().pin(relay, device, generateIdentity().publicKeyText);
    const now = generateIdentity().publicKeyText;
    return new DeviceKeyChanged(relay, device, pin.publicKey, now, keyChangedMessage(pin, now));
  }

  it('shows the line with a Forget Pinned Key button, and forgets only that pin when clicked', async () => {
    const err = await changedKey('ws://relay.example:7600', 'sensor-01');
    await knownDevicesFile().pin('ws://relay.example:7600', 'sensor-02', generateIdentity().publicKeyText);
    const shown = await report(err, 'Forget Pinned Key');
    assert.deepEqual(shown.errors, [{ message: `Outpost: ${err.message}`, buttons: ['Forget Pinned Key'] }]);
    assert.equal(knownDevicesFile().get('ws://relay.example:7600', 'sensor-01'), undefined);
    assert.ok(knownDevicesFile().get('ws://relay.example:7600', 'sensor-02'), 'the other pin stays');
    assert.match(shown.infos[0], /forgot the key pinned for sensor-01/);
  });

  it('keeps the pin when the pop-up is dismissed', async () => {
    const err = await changedKey('ws://relay.example:7600', 'sensor-03');
    await report(err, undefined);
    assert.equal(knownDevicesFile().get('ws://relay.example:7600', 'sensor-03')?.publicKey, err.pinnedKey);
  });
});
