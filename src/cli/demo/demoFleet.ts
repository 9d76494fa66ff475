// The demo's simulated fleet: device names and tags (a canary ring of one, the main ring for the rest).
import type { Role } from '../../protocol/control';

/** One simulated device of the demo. */
export interface DemoDevice {
  name: string;
  tags: Record<string, string>;
}

/** Largest fleet the demo starts: each device is a QEMU process. */
export const MAX_DEMO_DEVICES = 16;

/** The operator name the editor connects as, and its role (admin: the demo's editor may do everything). */
export const DEMO_OPERATOR: { name: string; role: Role } = { name: 'editor', role: 'admin' };

/** `sensor-01` … `sensor-NN`, all at `site=lab`; the first in `ring=canary`, the others in `ring=main`. */
export function demoDevices(count: number): DemoDevice[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_DEMO_DEVICES) {
    throw new RangeError(`the demo runs 1 to ${MAX_DEMO_DEVICES} devices`);
  }
  return Array.from({ length: count }, (_, i) => ({
    name: `sensor-${String(i + 1).padStart(2, '0')}`,
    tags: { site: 'lab', ring: i === 0 ? 'canary' : 'main' },
  }));
}

/** `site=lab, ring=canary`: how progress lines show a device's tags. */
export function formatTags(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}
