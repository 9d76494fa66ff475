// Which relay and identity the extension uses: settings, then SecretStorage, then the CLI's config (env, file).
import type { ResolvedConfig } from '../common/config';

/** Where a value came from, named the way the user would go and change it. */
export type ConfigOrigin =
  | 'setting outpost.relay'
  | 'setting outpost.identityFile'
  | 'identity stored by Outpost'
  | 'OUTPOST_RELAY'
  | 'OUTPOST_KEY'
  | 'config file';

/** The identity to connect with: a key file on disk, or key-file JSON kept in SecretStorage. */
export type IdentitySource =
  | { readonly kind: 'file'; readonly path: string; readonly origin: ConfigOrigin }
  | { readonly kind: 'secret'; readonly json: string; readonly origin: ConfigOrigin };

/** The layers, as read by the shell (settings and SecretStorage) and src/common/config.ts (env, file). */
export interface ConfigLayers {
  readonly settings: { readonly relay?: string; readonly identityFile?: string };
  /** Key-file JSON stored by "Create Identity" or "Connect" (SecretStorage key `outpost.identity`). */
  readonly storedIdentity?: string;
  /** resolveConfig({ flags: {} }) from src/common/config.ts, or undefined when its file could not be read. */
  readonly cli?: ResolvedConfig;
}

/** The result: each part absent when no layer sets it. */
export interface ConnectionConfig {
  readonly relay?: { readonly url: string; readonly origin: ConfigOrigin };
  readonly identity?: IdentitySource;
}

const set = (v: string | undefined): v is string => typeof v === 'string' && v.trim() !== '';

/**
 * Resolves relay and identity independently: settings first (the user's explicit choice in this editor), then
 * the identity kept in SecretStorage, then what the CLI would use (OUTPOST_RELAY / OUTPOST_KEY, config file).
 * `~/` in the identityFile setting means the home folder.
 */
export function resolveConnectionConfig(layers: ConfigLayers, home: string): ConnectionConfig {
  const { settings, cli } = layers;
  const relay = set(settings.relay)
    ? { url: settings.relay.trim(), origin: 'setting outpost.relay' as const }
    : cli?.relay
      ? {
          url: cli.relay.value,
          origin: cli.relay.source === 'env' ? ('OUTPOST_RELAY' as const) : ('config file' as const),
        }
      : undefined;
  let identity: IdentitySource | undefined;
  if (set(settings.identityFile)) {
    const p = settings.identityFile.trim();
    const path = p === '~' || p.startsWith('~/') ? home + p.slice(1) : p;
    identity = { kind: 'file', path, origin: 'setting outpost.identityFile' };
  } else if (set(layers.storedIdentity)) {
    identity = { kind: 'secret', json: layers.storedIdentity, origin: 'identity stored by Outpost' };
  } else if (cli?.key) {
    identity = { kind: 'file', path: cli.key.value, origin: cli.key.source === 'env' ? 'OUTPOST_KEY' : 'config file' };
  }
  return { relay, identity };
}

/** Checks a relay URL typed by the user; returns the one-line problem, or undefined when it is usable. */
export function relayUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return 'Enter a relay URL such as ws://127.0.0.1:7600 or wss://relay.example.com';
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return 'The relay URL starts with ws:// or wss://';
  if (!url.hostname) return 'The relay URL needs a host name';
  return undefined;
}

/** True when two relay URLs name the same relay (case of the host and a trailing slash do not matter). */
export function sameRelay(a: string, b: string): boolean {
  const norm = (u: string): string => {
    try {
      const url = new URL(u.trim());
      return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
    } catch {
      return u.trim();
    }
  };
  return norm(a) === norm(b);
}
