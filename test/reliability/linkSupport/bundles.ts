// The CLI and the stdio debug adapter from one private bundle build, shared by every link-fault suite of a run.
import path from 'node:path';
import { buildAdapter } from '../../debug/harness';

/** Paths of `outpost.js` and `debugAdapter.js` built from the current sources (once per test process). */
export async function linkBundles(): Promise<{ cli: string; adapter: string }> {
  const adapter = await buildAdapter();
  return { adapter, cli: path.join(path.dirname(adapter), 'outpost.js') };
}
