// `outpost keys new --out FILE`: a new ed25519 identity, written 0600; prints only the public key.
import path from 'node:path';
import { writeIdentityFile } from '../../common/identityFile';
import { generateIdentity } from '../../protocol/identity';
import { defineCommand } from '../command';
import { usageError } from '../errors';

export default defineCommand({
  name: 'keys new',
  summary: 'create a new ed25519 identity file (mode 0600) and print its public key',
  options: {
    out: { type: 'string', value: 'FILE', description: 'where to write the key file (never overwritten)' },
  },
  async run({ options }, io) {
    if (!options.out) throw usageError('missing --out FILE: where to write the new key');
    const identity = generateIdentity();
    writeIdentityFile(path.resolve(io.cwd, options.out), identity);
    io.stdout.write(identity.publicKeyText + '\n');
  },
});
