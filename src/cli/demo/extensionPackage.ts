// Finds the packaged Outpost extension (dist/outpost.vsix) the demo installs into code-server.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CliError } from '../errors';

/** The extension package relative to the Outpost checkout. */
export const EXTENSION_PACKAGE = path.join('dist', 'outpost.vsix');

/**
 * `dist/outpost.vsix` in the nearest folder above `from` that has one (works from src/ under tsx, from dist/ and
 * from test bundles), or `override` ($OUTPOST_VSIX) when given. Throws a CliError saying how to build it.
 */
export function findExtensionPackage(from: string = __dirname, override = process.env.OUTPOST_VSIX): string {
  if (override) {
    if (existsSync(override)) return path.resolve(override);
    throw new CliError(`OUTPOST_VSIX names ${override}, which does not exist`);
  }
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, EXTENSION_PACKAGE);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new CliError('the Outpost extension is not built (dist/outpost.vsix); run `npm run setup -- --with-vscode`');
}
