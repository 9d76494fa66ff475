// `outpost operator rm NAME`: removes an operator; a connected one is dropped (REVOKED).
import { defineCommand } from '../command';
import { relayOptions, withOperator } from '../session';

export default defineCommand({
  name: 'operator rm',
  summary: 'remove an operator (a connected one is disconnected with REVOKED)',
  args: 'NAME',
  positionals: { min: 1, max: 1 },
  options: { ...relayOptions },
  async run({ options, positionals: [name] }, io) {
    await withOperator(options, io, (c) => c.request('operators.remove', { name }));
    io.stdout.write(`operator ${name} removed\n`);
  },
});
