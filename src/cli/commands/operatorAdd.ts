// `outpost operator add NAME --pubkey KEY --role R`: lets a person or CI job use the relay.
import { ROLES, type Role } from '../../protocol/control';
import { defineCommand } from '../command';
import { usageError } from '../errors';
import { relayOptions, withOperator } from '../session';
import { parsePublicKey } from '../values';

export default defineCommand({
  name: 'operator add',
  summary: 'register an operator (person or CI job) with a role',
  args: 'NAME',
  positionals: { min: 1, max: 1 },
  details:
    'Roles: admin (everything), deployer (OTA and logs), debugger (rsp, console, logs), viewer (fleet and logs).',
  options: {
    pubkey: { type: 'string', value: 'KEY', description: "the operator's public key (from outpost keys new)" },
    role: { type: 'string', value: 'ROLE', description: 'admin, deployer, debugger or viewer' },
    ...relayOptions,
  },
  async run({ options, positionals: [name] }, io) {
    const publicKey = parsePublicKey(options.pubkey);
    if (!options.role || !ROLES.includes(options.role as Role)) {
      throw usageError(`--role must be one of ${ROLES.join(', ')}`);
    }
    const role = options.role as Role;
    await withOperator(options, io, (c) => c.request('operators.add', { name, publicKey, role }));
    io.stdout.write(`operator ${name} added as ${role}\n`);
  },
});
