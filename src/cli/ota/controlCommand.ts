// The three rollout controls (`outpost deployment pause|resume|abort ID`) share one shape.
import type { DeploymentJson } from '../../link/otaClient';
import { defineCommand, type Command } from '../command';
import { relayOptions, withOperator } from '../session';

/** A command that calls `deployments.<verb>` and prints the deployment's new status. */
export function deploymentControl(verb: 'pause' | 'resume' | 'abort', summary: string): Command {
  return defineCommand({
    name: `deployment ${verb}`,
    summary,
    args: 'ID',
    positionals: { min: 1, max: 1 },
    options: { json: { type: 'boolean', description: 'print the deployment as JSON' }, ...relayOptions },
    async run({ options, positionals }, io) {
      const d = await withOperator(options, io, (c) =>
        c.request<DeploymentJson>(`deployments.${verb}`, { id: positionals[0] }),
      );
      io.stdout.write(
        options.json
          ? JSON.stringify(d, null, 2) + '\n'
          : `deployment ${d.id}: ${d.status}${d.statusReason ? ` (${d.statusReason})` : ''}\n`,
      );
    },
  });
}
