// `outpost device rm NAME`: removes a device; if it is connected, the relay drops it (REVOKED).
import { defineCommand } from '../command';
import { relayOptions, withOperator } from '../session';

export default defineCommand({
  name: 'device rm',
  summary: 'remove a device (a connected one is disconnected with REVOKED)',
  args: 'NAME',
  positionals: { min: 1, max: 1 },
  options: { ...relayOptions },
  async run({ options, positionals: [name] }, io) {
    await withOperator(options, io, (c) => c.request('devices.remove', { name }));
    io.stdout.write(`device ${name} removed\n`);
  },
});
