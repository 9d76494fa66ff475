// `outpost operator set-role NAME ROLE`: changes an operator's role in place; its live sessions get it at once.
import { ROLES, type OperatorInfo, type Role } from '../../protocol/control';
import { defineCommand } from '../command';
import { usageError } from '../errors';
import { relayOptions, withOperator } from '../session';

export default defineCommand({
  name: 'operator set-role',
  summary: 'change the role of an operator (applies to its connected sessions at once)',
  args: 'NAME ROLE',
  positionals: { min: 2, max: 2 },
  details:
    'Roles: admin (everything), deployer (OTA and logs), debugger (rsp, console, logs), viewer (fleet and logs).\n' +
    'Channels the new role may not hold are closed at once (REVOKED); the last admin cannot be demoted.',
  options: { ...relayOptions },
  async run({ options, positionals: [name, roleText] }, io) {
    if (!ROLES.includes(roleText as Role)) throw usageError(`ROLE must be one of ${ROLES.join(', ')}`);
    const role = roleText as Role;
    const changed = await withOperator(options, io, (c) =>
      c.request<OperatorInfo>('operators.setRole', { name, role }),
    );
    io.stdout.write(`operator ${changed.name} is now ${changed.role}\n`);
  },
});
