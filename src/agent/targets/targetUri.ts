// Parses the agent's --target value: `sim[:ELF]`, `gdb://HOST:PORT` or `openocd:CFG[,CFG…]` (pure).
import { TargetError } from './errors';

/** A parsed --target. */
export type TargetSpec =
  | { readonly kind: 'sim'; readonly firmware?: string }
  | { readonly kind: 'gdb'; readonly host: string; readonly port: number }
  | { readonly kind: 'openocd'; readonly configFiles: readonly string[] };

const USAGE =
  'use --target sim, --target gdb://HOST:PORT or --target openocd:CFG (e.g. openocd:interface/stlink.cfg,target/stm32u5x.cfg)';

/** Parses a --target value; throws BAD_TARGET_URI with the accepted forms. */
export function parseTargetUri(uri: string): TargetSpec {
  const value = uri.trim();
  if (value === 'sim') return { kind: 'sim' };
  if (value.startsWith('sim:')) {
    const firmware = value.slice(4);
    if (!firmware) throw bad(uri, 'sim: needs a firmware ELF path after the colon');
    return { kind: 'sim', firmware };
  }
  if (value.startsWith('gdb://')) return parseGdb(uri, value);
  if (value.startsWith('openocd:')) {
    const configFiles = value
      .slice('openocd:'.length)
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f !== '');
    if (configFiles.length === 0) throw bad(uri, 'openocd: needs a configuration file');
    return { kind: 'openocd', configFiles };
  }
  throw bad(uri, 'unknown target kind');
}

function parseGdb(uri: string, value: string): TargetSpec {
  let url: URL;
  try {
    url = new URL(value);
  } catch (err) {
    if (err instanceof TypeError) throw bad(uri, 'not a valid gdb://HOST:PORT address');
    throw err;
  }
  const port = Number(url.port);
  if (!url.hostname || !url.port || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw bad(uri, 'gdb:// needs a host and a port, e.g. gdb://127.0.0.1:3333');
  }
  if ((url.pathname && url.pathname !== '/') || url.search || url.username) {
    throw bad(uri, 'gdb:// takes only HOST:PORT');
  }
  return { kind: 'gdb', host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port };
}

function bad(uri: string, why: string): TargetError {
  return new TargetError('BAD_TARGET_URI', `--target ${JSON.stringify(uri)}: ${why}; ${USAGE}`);
}
