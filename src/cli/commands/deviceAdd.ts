// `outpost device add NAME --pubkey KEY [--tag k=v]…`: registers a device's public key.
import { defineCommand } from '../command';
import { relayOptions, withOperator } from '../session';
import { parsePublicKey, parseTags } from '../values';

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
    const publicKey = parsePublicKey(options.pubkey);
    const tags = parseTags(options.tag);
    const device = await withOperator(options, io, (c) => c.request('devices.add', { name, publicKey, tags }));
    io.stdout.write(options.json ? JSON.stringify(device, null, 2) + '\n' : `device ${device.name} added\n`);
  },
});
