// The admin's part of the demo: registers the editor's operator key and makes enrollment tokens for new devices.
import { readIdentityFile } from '../../common/identityFile';
import { connectOperator } from '../../link/operatorClient';
import type { Enrollment } from '../../protocol/auth';
import { DEMO_OPERATOR, type DemoDevice } from './demoFleet';

/** How long a demo enrollment token stays valid: long enough for QEMU to boot, short enough to be useless later. */
const TOKEN_TTL_SECONDS = 600;

/**
 * Connects with the relay's admin key and makes sure the editor's key is an operator (role admin) and that every
 * device the relay does not know yet has a one-use enrollment token with its tags. Resolves with the enrollment
 * per device name; devices already registered (a demo restarted on the same data) get none and just connect.
 */
export async function registerDemoFleet(
  relay: string,
  adminKeyFile: string,
  operatorPublicKey: string,
  devices: readonly DemoDevice[],
): Promise<Map<string, Enrollment | undefined>> {
  const admin = await connectOperator({ relay, identity: readIdentityFile(adminKeyFile), keepaliveSec: 0 });
  try {
    const operators = await admin.request('operators.list');
    if (!operators.some((o) => o.publicKey === operatorPublicKey)) {
      await admin.request('operators.add', { ...DEMO_OPERATOR, publicKey: operatorPublicKey });
    }
    const known = new Set((await admin.request('devices.list')).map((d) => d.name));
    const enrollments = new Map<string, Enrollment | undefined>();
    for (const d of devices) {
      if (known.has(d.name)) enrollments.set(d.name, undefined);
      else {
        const { token } = await admin.request('enroll.create', {
          tags: d.tags,
          uses: 1,
          ttlSeconds: TOKEN_TTL_SECONDS,
        });
        enrollments.set(d.name, { token, name: d.name });
      }
    }
    return enrollments;
  } finally {
    admin.close();
  }
}
