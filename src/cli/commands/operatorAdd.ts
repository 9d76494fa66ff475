// `outpost operator add NAME --pubkey KEY --role R`: lets a person or CI job use the relay.
import { isPublicKeyText, ROLES, type Role } from '../../protocol/control';
import { defineCommand } from '../command';
import { usageError } from '../errors';
import { relayOptions, withOperator } from '../session';

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
    if (!options.pubkey) throw usageError('missing --pubkey KEY: the public key printed by outpost keys new');
    if (!isPublicKeyText(options.pubkey.trim())) {
      throw usageError(
        '--pubkey is not a public key: give the 43-character base64url text printed by outpost keys new',
      );
    }
    if (!options.role || !ROLES.includes(options.role as Role)) {
      throw usageError(`--role must be one of ${ROLES.join(', ')}`);
    }
    const role = options.role as Role;
    await withOperator(options, io, (c) =>
      c.request('operators.add', { name, publicKey: options.pubkey!.trim(), role }),
    );
    io.stdout.write(`operator ${name} added as ${role}\n`);
  },
});
