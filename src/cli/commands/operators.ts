// `outpost operators [--json]`: who may use the relay, with roles (admin only).
import type { OperatorInfo } from '../../protocol/control';
import { defineCommand } from '../command';
import { relayOptions, withOperator } from '../session';
import { renderTable } from '../table';

export default defineCommand({
  name: 'operators',
  summary: 'list operators and their roles',
  options: { json: { type: 'boolean', description: 'print a JSON array' }, ...relayOptions },
  async run({ options }, io) {
    const operators: OperatorInfo[] = await withOperator(options, io, (c) => c.request('operators.list'));
    io.stdout.write(
      options.json
        ? JSON.stringify(operators, null, 2) + '\n'
        : renderTable(
            ['NAME', 'ROLE', 'PUBLIC KEY'],
            operators.map((o) => [o.name, o.role, o.publicKey]),
          ),
    );
  },
});
