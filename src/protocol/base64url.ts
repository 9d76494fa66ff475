// base64url without padding (RFC 4648 §5): how keys, challenges and signatures travel in headers and JSON.

const pattern = /^[A-Za-z0-9_-]*$/;

/** Encodes bytes as unpadded base64url. */
export function toBase64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/**
 * Decodes unpadded base64url strictly: returns undefined for any other alphabet, padding, a non-canonical
 * trailing group, or (when given) a decoded length other than `expectedLength`.
 */
export function fromBase64url(text: unknown, expectedLength?: number): Uint8Array | undefined {
  if (typeof text !== 'string' || !pattern.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) return undefined;
  if (expectedLength !== undefined && bytes.length !== expectedLength) return undefined;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
