// The Peripherals scope (launch.json `svdFile`): the SVD is read once per session, in the background from the moment
// the session connects; a file that cannot be used is one line on the debug console and the scope stays away.
import { isAbsolute, resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { SvdError } from '../svd/errors';
import { loadSvdFile } from '../svd/load';
import type { SvdDevice } from '../svd/model';
import type { SessionContext } from './context';

const loads = new WeakMap<SessionContext, Promise<SvdDevice | undefined>>();

/**
 * Starts reading the session's `svdFile` (relative paths from `cwd`); call once connected. A problem with the file
 * is reported once on the debug console; the session goes on without peripherals.
 */
export function startPeripherals(ctx: SessionContext): void {
  const file = ctx.args.svdFile;
  if (file === undefined || file === '' || loads.has(ctx)) return;
  const path = isAbsolute(file) ? file : resolve(ctx.args.cwd ?? process.cwd(), file);
  const load = loadSvdFile(path).then(
    (device) => device,
    (err: unknown) => {
      const why = err instanceof SvdError ? err.message : `${path}: ${String(err)}`;
      ctx.output(`svdFile ${why}; the Peripherals view is off for this session\n`, 'console');
      return undefined;
    },
  );
  loads.set(ctx, load);
}

/** The Peripherals scope when an SVD was loaded (expensive: the editor reads registers only when it is opened). */
export async function peripheralScopes(ctx: SessionContext): Promise<DebugProtocol.Scope[]> {
  startPeripherals(ctx);
  const device = await loads.get(ctx);
  if (!device) return [];
  return [
    {
      name: 'Peripherals',
      variablesReference: ctx.refs.add({ kind: 'svd', node: { what: 'device', device } }),
      namedVariables: device.peripherals.length,
      expensive: true,
    },
  ];
}
