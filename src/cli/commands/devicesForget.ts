// `outpost devices forget NAME`: drops the device key this operator pinned for NAME on the relay, after a re-enrollment.
import { keyTail, relayScope } from '../../common/knownDevices';
import { KnownDevicesError, knownDevicesFile, knownDevicesPath } from '../../common/knownDevicesFile';
import { resolveConfig } from '../../common/config';
import { defineCommand } from '../command';
import { CliError, usageError } from '../errors';

export default defineCommand({
  name: 'devices forget',
  summary: 'forget the key pinned for a device (after it was re-enrolled with a new key)',
  args: 'NAME',
  positionals: { min: 1, max: 1 },
  details:
    'The first end-to-end channel (console, exec, tunnel, debugging) to a device pins the key the relay lists for it\n' +
    'in the known devices file ($OUTPOST_KNOWN_DEVICES, else known_devices.json beside the config file); a later,\n' +
    'different key is refused. Forget the pin only when you know the device got a new key: the next channel pins\n' +
    'whatever key the relay lists then.',
  options: {
    relay: { type: 'string', value: 'URL', description: 'relay URL (default: $OUTPOST_RELAY, then the config file)' },
  },
  async run({ options, positionals: [name] }, io) {
    const config = resolveConfig({ flags: { relay: options.relay }, env: io.env, cwd: io.cwd });
    if (!config.relay) {
      throw usageError(`no relay given: pass --relay URL, set OUTPOST_RELAY, or put "relay" in ${config.configFile}`);
    }
    const relay = relayScope(config.relay.value);
    const file = knownDevicesPath(io.env);
    let forgotten;
    try {
      forgotten = await knownDevicesFile(file).forget(relay, name);
    } catch (err) {
      if (err instanceof KnownDevicesError) throw new CliError(err.message);
      throw err;
    }
    if (!forgotten) throw new CliError(`no key is pinned for device "${name}" on ${relay} (in ${file})`);
    io.stdout.write(
      `forgot the key pinned for device "${name}" on ${relay} (${keyTail(forgotten.publicKey)}, pinned on ` +
        `${forgotten.firstSeen.slice(0, 10)}); the next channel to it pins the key the relay lists then\n`,
    );
  },
});
