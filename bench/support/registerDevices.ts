// Registers many device keys with a relay through its admin, many requests in flight (bench and load-test set-up).
import { readIdentityFile } from '../../src/common/identityFile';
import { connectOperator } from '../../src/link/operatorClient';
import type { Identity } from '../../src/protocol/identity';

/** Adds `identities[i]` as device `${prefix}${i}` with `tags`, 64 requests at a time, as the admin in `adminKey`. */
export async function registerDevices(
  relayUrl: string,
  adminKey: string,
  identities: Identity[],
  prefix: string,
  tags: Record<string, string>,
): Promise<void> {
  const admin = await connectOperator({
    relay: relayUrl,
    identity: readIdentityFile(adminKey),
    keepaliveSec: 0,
    timeoutMs: 120_000,
  });
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < identities.length) {
          const i = next++;
          await admin.request('devices.add', { name: `${prefix}${i}`, publicKey: identities[i].publicKeyText, tags });
        }
      }),
    );
  } finally {
    admin.close();
  }
}
