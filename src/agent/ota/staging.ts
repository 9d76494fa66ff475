// The download staging area: one partial image per sha256 on disk, hashed as it grows, resumable after any drop.
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { OtaError } from '../../protocol/otaErrors';

/** A download in progress. Writes must arrive in order; `offset` is where the next one goes. */
export class StagedDownload {
  private constructor(
    readonly sha256: string,
    readonly size: number,
    readonly file: string,
    private handle: fs.promises.FileHandle,
    private hash: Hash,
    private held: number,
  ) {}

  /**
   * Opens (creating) the partial file for `sha256` and hashes what it already holds, so a resumed download
   * continues the same digest. A partial file longer than `size` is corrupt and starts over.
   */
  static async open(file: string, sha256: string, size: number): Promise<StagedDownload> {
    const hash = createHash('sha256');
    let held = 0;
    const handle = await fs.promises.open(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
    try {
      const { size: onDisk } = await handle.stat();
      if (onDisk > size) await handle.truncate(0);
      else {
        const buf = Buffer.alloc(64 * 1024);
        for (;;) {
          const { bytesRead } = await handle.read(buf, 0, buf.length, held);
          if (bytesRead === 0) break;
          hash.update(buf.subarray(0, bytesRead));
          held += bytesRead;
        }
      }
    } catch (err) {
      await handle.close();
      throw new OtaError('STORAGE_FAILED', (err as Error).message);
    }
    return new StagedDownload(sha256, size, file, handle, hash, held);
  }

  /** Bytes already on disk: the `want` offset. */
  get offset(): number {
    return this.held;
  }

  get complete(): boolean {
    return this.held === this.size;
  }

  /** Appends a chunk at `offset`; any other offset or a chunk past the image size breaks the transfer. */
  async write(offset: number, data: Uint8Array): Promise<void> {
    if (offset !== this.held) throw new OtaError('TRANSFER_ERROR', `chunk at ${offset}, expected ${this.held}`);
    if (this.held + data.length > this.size)
      throw new OtaError('TRANSFER_ERROR', `chunk ends at ${this.held + data.length}, image is ${this.size} bytes`);
    try {
      await this.handle.write(data, 0, data.length, this.held);
    } catch (err) {
      throw new OtaError('STORAGE_FAILED', (err as Error).message);
    }
    this.hash.update(data);
    this.held += data.length;
  }

  /**
   * Checks the digest of the complete image and syncs it to disk. On a mismatch the partial file is deleted
   * (the next attempt starts from zero) and HASH_MISMATCH is thrown. Closes the download either way.
   */
  async finish(): Promise<string> {
    if (!this.complete) throw new OtaError('TRANSFER_ERROR', `image incomplete: ${this.held} of ${this.size} bytes`);
    const digest = this.hash.digest('hex');
    try {
      if (digest !== this.sha256) {
        await fs.promises.rm(this.file, { force: true });
        throw new OtaError('HASH_MISMATCH', `got ${digest}`);
      }
      await this.handle.datasync();
      return this.file;
    } finally {
      await this.close();
    }
  }

  /** Releases the file; what was written stays for a later resume. */
  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = { close: async () => undefined } as fs.promises.FileHandle;
    await handle.close();
  }
}

/** The staging directory: `<state>/ota/staging/<sha256>.part`. Only one image is staged at a time. */
export class Staging {
  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** Opens the download of `sha256`, deleting partial downloads of any other image. */
  async open(sha256: string, size: number): Promise<StagedDownload> {
    const name = `${sha256}.part`;
    for (const other of fs.readdirSync(this.dir))
      if (other !== name) fs.rmSync(path.join(this.dir, other), { force: true });
    return StagedDownload.open(path.join(this.dir, name), sha256, size);
  }
}
