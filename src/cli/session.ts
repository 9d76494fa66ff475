// Operator commands' connection to the relay: --relay/--key resolved (flags > env > config file), then one session.
import { resolveConfig } from '../common/config';
import { readIdentityFile } from '../common/identityFile';
import { connectOperator, type OperatorClient } from '../link/operatorClient';
import type { CliIo } from './command';
import { usageError } from './errors';

/** The --relay and --key options every command that talks to the relay takes. */
export const relayOptions = {
  relay: { type: 'string', value: 'URL', description: 'relay URL (default: $OUTPOST_RELAY, then the config file)' },
  key: {
    type: 'string',
    value: 'FILE',
    description: 'identity key file (default: $OUTPOST_KEY, then the config file)',
  },
} as const;

/** The relay URL and identity key file for this invocation; a missing one is a usage error saying how to set it. */
export function relaySettings(flags: { relay?: string; key?: string }, io: CliIo): { relay: string; keyFile: string } {
  const config = resolveConfig({ flags, env: io.env, cwd: io.cwd });
  if (!config.relay) {
    throw usageError(`no relay given: pass --relay URL, set OUTPOST_RELAY, or put "relay" in ${config.configFile}`);
  }
  if (!config.key) {
    throw usageError(`no key given: pass --key FILE, set OUTPOST_KEY, or put "key" in ${config.configFile}`);
  }
  return { relay: config.relay.value, keyFile: config.key.value };
}

/** Connects as the operator the flags/env/config name, runs `work`, and always closes the session. */
export async function withOperator<T>(
  flags: { relay?: string; key?: string },
  io: CliIo,
  work: (client: OperatorClient) => Promise<T>,
): Promise<T> {
  const { relay, keyFile } = relaySettings(flags, io);
  const identity = readIdentityFile(keyFile);
  const client = await connectOperator({ relay, identity, keepaliveSec: 0 });
  try {
    return await work(client);
  } finally {
    client.close();
  }
}

/**
 * A connect function for long-running commands (tunnel, logs --follow) that may need a new session after the
 * relay went away. Settings and the key file are checked now, so bad input fails before anything starts.
 */
export function operatorConnector(flags: { relay?: string; key?: string }, io: CliIo): () => Promise<OperatorClient> {
  const { relay, keyFile } = relaySettings(flags, io);
  const identity = readIdentityFile(keyFile);
  return () => connectOperator({ relay, identity });
}
