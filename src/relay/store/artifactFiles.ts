// Artifact blobs on disk: DATA/artifacts/<sha256>, written atomically, with resumable partial uploads beside them.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { OtaError } from '../../protocol/otaErrors';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The blob directory of one relay. Blob names are their sha256, so equal content is stored once. */
export class ArtifactFiles {
  readonly dir: string;
  private readonly uploads: string;

  /** Uses (creating) `DATA/artifacts` and `DATA/artifacts/.uploads`; leftover temporary files are removed. */
  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'artifacts');
    this.uploads = path.join(this.dir, '.uploads');
    fs.mkdirSync(this.uploads, { recursive: true, mode: 0o700 });
    for (const name of fs.readdirSync(this.dir)) if (name.endsWith('.tmp')) fs.rmSync(path.join(this.dir, name));
  }

  /** Path of the blob `sha256`; throws on anything but 64 lowercase hex digits, so no path can escape. */
  pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new OtaError('ARTIFACT_NOT_FOUND', 'not a sha256');
    return path.join(this.dir, sha256);
  }

  has(sha256: string): boolean {
    return fs.existsSync(this.pathOf(sha256));
  }

  /** Writes a whole blob atomically (temp file, fsync, rename, fsync directory); returns its sha256. */
  write(bytes: Uint8Array): string {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (this.has(sha256)) return sha256;
    const tmp = path.join(this.dir, `.${randomBytes(6).toString('hex')}.tmp`);
    const fd = fs.openSync(tmp, 'wx', 0o600);
    try {
      fs.writeSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    this.publish(tmp, sha256);
    return sha256;
  }

  /** Bytes held of an unfinished upload. */
  partialSize(sha256: string): number {
    const part = this.partPath(sha256);
    return fs.existsSync(part) ? fs.statSync(part).size : 0;
  }

  /**
   * Appends to the partial upload of `sha256` at `offset` (must equal partialSize). When `size` bytes are held
   * the content is hashed: a match publishes the blob and returns true; a mismatch discards the partial upload
   * and throws UPLOAD_INCOMPLETE.
   */
  append(sha256: string, size: number, offset: number, bytes: Uint8Array): { received: number; complete: boolean } {
    const part = this.partPath(sha256);
    const held = this.partialSize(sha256);
    if (offset !== held)
      throw new OtaError('UPLOAD_INCOMPLETE', `upload of ${sha256} continues at ${held}, not ${offset}`);
    if (held + bytes.length > size)
      throw new OtaError('UPLOAD_INCOMPLETE', `upload of ${sha256} would exceed its declared ${size} bytes`);
    if (bytes.length > 0) fs.appendFileSync(part, bytes, { mode: 0o600 });
    const received = held + bytes.length;
    if (received < size) return { received, complete: false };
    const actual = createHash('sha256').update(fs.readFileSync(part)).digest('hex');
    if (actual !== sha256) {
      fs.rmSync(part, { force: true });
      throw new OtaError('UPLOAD_INCOMPLETE', `uploaded bytes hash to ${actual}, not ${sha256}; upload again`);
    }
    const fd = fs.openSync(part, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    this.publish(part, sha256);
    return { received, complete: true };
  }

  /** Reads up to `length` bytes at `offset`. */
  read(sha256: string, offset: number, length: number): Buffer {
    const fd = fs.openSync(this.pathOf(sha256), 'r');
    try {
      const buf = Buffer.alloc(length);
      const n = fs.readSync(fd, buf, 0, length, offset);
      return buf.subarray(0, n);
    } finally {
      fs.closeSync(fd);
    }
  }

  private partPath(sha256: string): string {
    return path.join(this.uploads, `${path.basename(this.pathOf(sha256))}.part`);
  }

  private publish(from: string, sha256: string): void {
    fs.renameSync(from, this.pathOf(sha256));
    const dirFd = fs.openSync(this.dir, 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  }
}
