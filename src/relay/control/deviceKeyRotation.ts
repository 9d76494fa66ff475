// `devices.rotateKey`: a device swaps its own key for a new one, signed by both; the relay keeps the signed record.
import { rotationSignatureFault, type KeyRotation } from '../../common/keyRotation';
import { keyTail, relayScope } from '../../common/knownDevices';
import { CloseCode } from '../../protocol/closeCodes';
import { isPublicKeyText } from '../../protocol/control';
import { isRecord, isText } from '../../protocol/json';
import { deviceInfo } from '../deviceInfo';
import { StoreConflictError } from '../store/store';
import { ControlError, type ControlHandler } from './handler';

const bad = (rule: string) => new ControlError('BAD_REQUEST', `devices.rotateKey: ${rule}`);

/** `{publicKey, proof: {relay, oldSignature, newSignature}}`, checked for form; the signatures are checked after. */
export function parseRotateKeyParams(params: Record<string, unknown>): {
  publicKey: string;
  relay: string;
  oldSignature: string;
  newSignature: string;
} {
  const { publicKey, proof } = params;
  if (!isPublicKeyText(publicKey)) throw bad('publicKey: base64url ed25519 public key (43 characters)');
  if (!isRecord(proof)) throw bad('proof: {relay, oldSignature, newSignature}');
  const { relay, oldSignature, newSignature } = proof;
  if (!isText(relay, 2048) || !/^wss?:\/\//.test(relay) || relayScope(relay) !== relay)
    throw bad('proof.relay: the relay URL as the rotation signed it (ws[s]://host[:port][/path], no trailing slash)');
  if (!isText(oldSignature, 128) || !isText(newSignature, 128)) throw bad('proof: oldSignature and newSignature');
  return { publicKey, relay, oldSignature, newSignature };
}

/**
 * Verifies both signatures over (relay, this device's name, its current key, the new key), swaps the key and keeps
 * the record, then closes this connection with REVOKED once the answer is out: the device comes back with the new
 * key. Operators that pinned the old key follow the record to the new one (src/link/operatorClient.ts).
 */
export const devicesRotateKey: ControlHandler = {
  method: 'devices.rotateKey',
  async handle(ctx, peer, params) {
    if (peer.kind !== 'device') throw new ControlError('FORBIDDEN', 'only a device rotates its own key');
    const p = parseRotateKeyParams(params);
    const rotation: KeyRotation = {
      relay: p.relay,
      device: peer.name,
      oldKey: peer.publicKey,
      newKey: p.publicKey,
      oldSignature: p.oldSignature,
      newSignature: p.newSignature,
      rotatedAt: ctx.now().toISOString(),
    };
    const fault = rotationSignatureFault(rotation);
    if (fault) throw new ControlError('BAD_SIGNATURE', `devices.rotateKey: ${fault}`);
    let record;
    try {
      record = await ctx.store.keyRotations.rotate(rotation);
    } catch (err) {
      if (err instanceof StoreConflictError) throw new ControlError('BAD_REQUEST', `devices.rotateKey: ${err.message}`);
      throw err;
    }
    if (!record) throw new ControlError('REVOKED', `device "${peer.name}" is no longer registered with this key`);
    ctx.audit({
      actor: peer.name,
      action: `devices.rotateKey ${keyTail(rotation.oldKey)} -> ${keyTail(rotation.newKey)}`,
      device: peer.name,
      channelKind: null,
      result: 'ok',
    });
    const rotated = record;
    // After the reply: handlers resolve before a macrotask runs, so the answer is on the socket before the close.
    setImmediate(() => {
      ctx.disconnect(peer, CloseCode.REVOKED);
      ctx.fleet.updated(deviceInfo(rotated, ctx.hub.device(rotated.name)));
    });
    return { name: peer.name, publicKey: rotation.newKey, keyRotation: rotation };
  },
};
