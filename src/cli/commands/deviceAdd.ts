// `outpost device add NAME --pubkey KEY [--tag k=v]…`: registers a device's public key.
import { isPublicKeyText } from '../../protocol/control';
import { defineCommand } from '../command';
import { usageError } from '../errors';
import { relayOptions, withOperator } from '../session';
import { parseTags } from '../values';

export default defineCommand({
  name: 'device add',
  summary: 'register a device by its public key',
  args: 'NAME',
  positionals: { min: 1, max: 1 },
  options: {
    pubkey: { type: 'string', value: 'KEY', description: "the device's public key (from outpost keys new)" },
    tag: { type: 'string', multiple: true, value: 'k=v', description: 'a tag for targeting deployments' },
    json: { type: 'boolean', description: 'print the registered device as JSON' },
    ...relayOptions,
  },
  async run({ options, positionals: [name] }, io) {
    if (!options.pubkey) throw usageError('missing --pubkey KEY: the public key printed by outpost keys new');
    if (!isPublicKeyText(options.pubkey.trim())) {
      throw usageError(
        '--pubkey is not a public key: give the 43-character base64url text printed by outpost keys new',
      );
    }
    const tags = parseTags(options.tag);
    const device = await withOperator(options, io, (c) =>
      c.request('devices.add', { name, publicKey: options.pubkey!.trim(), tags }),
    );
    io.stdout.write(options.json ? JSON.stringify(device, null, 2) + '\n' : `device ${device.name} added\n`);
  },
});
