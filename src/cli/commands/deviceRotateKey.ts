// `outpost device rotate-key --key OLD.key --new NEW.key`: on the gateway, the device swaps its key, signed by both keys.
import { readIdentityFile } from '../../common/identityFile';
import { signRotation } from '../../common/keyRotation';
import { keyTail, relayScope } from '../../common/knownDevices';
import { connect } from '../../link/connect';
import type { Methods } from '../../protocol/control';
import { defineCommand } from '../command';
import { CliError, usageError } from '../errors';
import { relaySettings } from '../session';

export default defineCommand({
  name: 'device rotate-key',
  summary: "replace a device's key with a new one, signed by the old key (run on the device's gateway)",
  details:
    'Make the new key first (outpost keys new --out NEW.key), stop the agent, run this with the key the device\n' +
    'uses now, then start the agent again with --key NEW.key. The relay keeps the rotation, signed by both keys;\n' +
    'operators that pinned the old key follow it to the new one (no `outpost devices forget` needed).',
  options: {
    key: { type: 'string', value: 'OLD.key', description: "the device's current key file" },
    new: { type: 'string', value: 'NEW.key', description: 'the new key file (from outpost keys new)' },
    relay: { type: 'string', value: 'URL', description: 'relay URL (default: $OUTPOST_RELAY, then the config file)' },
  },
  async run({ options }, io) {
    if (!options.new) throw usageError('missing --new NEW.key: make one with outpost keys new --out NEW.key');
    if (!options.key) throw usageError("missing --key OLD.key: the device's current key file");
    const { relay } = relaySettings({ relay: options.relay, key: options.key }, io);
    const oldIdentity = readIdentityFile(options.key);
    const newIdentity = readIdentityFile(options.new);
    if (oldIdentity.publicKeyText === newIdentity.publicKeyText)
      throw usageError('--new holds the same key as --key: make a new one with outpost keys new --out NEW.key');
    const conn = await connect(relay, oldIdentity, { keepaliveSec: 0 });
    let name: string;
    try {
      const me = await conn.request<Methods['whoami']['result']>('whoami', {});
      if (me.kind !== 'device')
        throw new CliError(`--key is the key of operator "${me.name}": give the device's current key file`);
      name = me.name;
      const proof = signRotation(relayScope(relay), name, oldIdentity, newIdentity);
      await conn.request('devices.rotateKey', {
        publicKey: newIdentity.publicKeyText,
        proof: { relay: proof.relay, oldSignature: proof.oldSignature, newSignature: proof.newSignature },
      });
    } finally {
      conn.close();
    }
    io.stdout.write(
      `device ${name} now has key ${keyTail(newIdentity.publicKeyText)} (was ${keyTail(oldIdentity.publicKeyText)}): ` +
        `start its agent with --key ${options.new}\n`,
    );
  },
});
