// `outpost deployments [--json]`: recent rollouts with their status and progress.
import type { DeploymentJson } from '../../link/otaClient';
import { defineCommand } from '../command';
import { deploymentsTable } from '../ota/deploymentText';
import { relayOptions, withOperator } from '../session';

export default defineCommand({
  name: 'deployments',
  summary: 'list recent deployments: status, version, devices confirmed, wave',
  options: { json: { type: 'boolean', description: 'print a JSON array' }, ...relayOptions },
  async run({ options }, io) {
    const list = await withOperator(options, io, (c) => c.request<DeploymentJson[]>('deployments.list', { limit: 50 }));
    io.stdout.write(options.json ? JSON.stringify(list, null, 2) + '\n' : deploymentsTable(list));
  },
});
