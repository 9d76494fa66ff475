// `outpost deployment show ID [--json]`: one rollout, device by device.
import type { DeploymentJson } from '../../link/otaClient';
import { defineCommand } from '../command';
import { deploymentDetails } from '../ota/deploymentText';
import { relayOptions, withOperator } from '../session';

export default defineCommand({
  name: 'deployment show',
  summary: 'show one deployment: image, status, and each device’s phase',
  args: 'ID',
  positionals: { min: 1, max: 1 },
  options: { json: { type: 'boolean', description: 'print JSON' }, ...relayOptions },
  async run({ options, positionals }, io) {
    const d = await withOperator(options, io, (c) =>
      c.request<DeploymentJson>('deployments.get', { id: positionals[0] }),
    );
    io.stdout.write(options.json ? JSON.stringify(d, null, 2) + '\n' : deploymentDetails(d));
  },
});
