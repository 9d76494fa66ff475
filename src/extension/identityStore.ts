// The operator identity as the extension keeps it: key-file JSON in SecretStorage, or a key file on disk.
import * as vscode from 'vscode';
import type { Identity } from '../protocol/identity';
import { IDENTITY_SECRET } from './ids';
import type { IdentitySource } from './connectionConfig';

/** Reads, stores and creates identities; key material only ever lives in SecretStorage or the user's file. */
export class IdentityStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  /** The key-file JSON stored by Outpost, if any. */
  async stored(): Promise<string | undefined> {
    return (await this.secrets.get(IDENTITY_SECRET)) || undefined;
  }

  /** Loads an identity from where the configuration says; throws an Error with a one-line message. */
  async load(source: IdentitySource): Promise<Identity> {
    if (source.kind === 'file') {
      const { readIdentityFile } = await import(/* webpackMode: "eager" */ '../common/identityFile');
      return readIdentityFile(source.path);
    }
    const { parseIdentity } = await import(/* webpackMode: "eager" */ '../protocol/identity');
    const parsed = parseIdentity(source.json);
    if (!parsed.ok) {
      throw new Error(
        `The identity stored by Outpost is invalid (${parsed.reason}); create a new one or use a key file.`,
      );
    }
    return parsed.identity;
  }

  /** Validates key-file JSON (from a file the user picked) and stores it; returns the identity. */
  async importJson(json: string, from: string): Promise<Identity> {
    const { parseIdentity, serializeIdentity } = await import(/* webpackMode: "eager" */ '../protocol/identity');
    const parsed = parseIdentity(json);
    if (!parsed.ok) throw new Error(`${from} is not an Outpost key file (${parsed.reason}).`);
    await this.secrets.store(IDENTITY_SECRET, serializeIdentity(parsed.identity));
    return parsed.identity;
  }

  /** Makes a new identity and stores it, replacing the stored one. */
  async create(): Promise<Identity> {
    const { generateIdentity, serializeIdentity } = await import(/* webpackMode: "eager" */ '../protocol/identity');
    const identity = generateIdentity();
    await this.secrets.store(IDENTITY_SECRET, serializeIdentity(identity));
    return identity;
  }
}
