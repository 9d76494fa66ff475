// How a deployment travels in control replies and events: the Deployment value, cut down to fit one CONTROL frame.
import { MAX_JSON_PAYLOAD } from '../../protocol/frame';
import type { Deployment } from './deployment';
import type { DeviceProgress } from './deviceState';

/** Room for a result inside a response or event envelope. */
export const VIEW_BUDGET = MAX_JSON_PAYLOAD - 256;

/** A deployment as sent; `truncated` is set when some devices' progress was left out to fit. */
export type DeploymentView = Deployment & { truncated?: true };

const size = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

/**
 * The deployment itself when it fits `budget` bytes of JSON; otherwise the same value with per-device progress
 * kept for devices of the current wave that are not pending (what an operator watches), then as many others
 * as fit, and `truncated: true`. Waves always list every device name.
 */
export function deploymentView(d: Deployment, budget = VIEW_BUDGET): DeploymentView {
  if (size(d) <= budget) return d;
  const base: DeploymentView = { ...d, devices: {}, truncated: true };
  let used = size(base);
  const devices: Record<string, DeviceProgress> = {};
  const wave = new Set(d.waves[d.currentWave] ?? []);
  const order = Object.keys(d.devices).sort(
    (a, b) =>
      Number(!wave.has(a) || d.devices[a].state === 'pending') -
      Number(!wave.has(b) || d.devices[b].state === 'pending'),
  );
  for (const name of order) {
    const cost = size({ [name]: d.devices[name] });
    if (used + cost > budget) break;
    devices[name] = d.devices[name];
    used += cost;
  }
  return { ...base, devices };
}

/** The newest deployments that fit one reply together. */
export function fitList(list: readonly Deployment[], budget = VIEW_BUDGET): DeploymentView[] {
  const out: DeploymentView[] = [];
  let used = 2;
  for (const d of list) {
    const view = deploymentView(d, Math.max(1024, budget - used));
    const cost = size(view) + 1;
    if (used + cost > budget) break;
    out.push(view);
    used += cost;
  }
  return out;
}
