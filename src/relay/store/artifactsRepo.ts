// Firmware artifacts as the relay core sees them: content-addressed blobs (flash images and their ELFs).

/** What a blob is: the flash image devices receive, or the ELF kept for symbols. */
export type ArtifactKind = 'image' | 'elf';

/** A stored blob; its bytes are the file `DATA/artifacts/<sha256>`. */
export interface ArtifactRecord {
  sha256: string;
  size: number;
  kind: ArtifactKind;
  /** GNU build id of the firmware (both the image and its ELF carry it), so debuggers find symbols. */
  buildId: string | null;
  createdAt: string;
}

/** What an upload declares before its bytes arrive. */
export interface ArtifactUpload {
  sha256: string;
  size: number;
  kind: ArtifactKind;
  buildId?: string;
}

/** Where an upload stands after a chunk: bytes held, and the record once it is complete and verified. */
export interface UploadProgress {
  received: number;
  artifact?: ArtifactRecord;
}

/**
 * Artifact persistence. Blobs are written atomically (temporary file, fsync, rename) and deduplicated by
 * sha256; a truncated or corrupt upload never becomes an artifact. Failures throw OtaError
 * (UPLOAD_INCOMPLETE, ARTIFACT_NOT_FOUND).
 */
export interface ArtifactsRepo {
  /** Stores a whole blob; returns the existing record when the same bytes are already stored. */
  put(bytes: Uint8Array, meta: { kind: ArtifactKind; buildId?: string }, now: Date): Promise<ArtifactRecord>;
  /** Bytes of an unfinished upload already held: where a resumed upload continues. */
  uploadOffset(sha256: string): Promise<number>;
  /**
   * Appends `bytes` at `offset` (which must equal uploadOffset). When the last byte arrives the blob is hashed,
   * and stored if it matches `upload.sha256`; on a mismatch the partial upload is discarded.
   */
  writeUpload(upload: ArtifactUpload, offset: number, bytes: Uint8Array, now: Date): Promise<UploadProgress>;
  get(sha256: string): Promise<ArtifactRecord | undefined>;
  /** Reads `length` bytes at `offset` (fewer at the end of the blob). */
  read(sha256: string, offset: number, length: number): Promise<Buffer>;
  /** Absolute path of a stored blob (for tools that want a file, such as gdb given an ELF). */
  filePath(sha256: string): string;
  /** The ELF with this build id, if one was uploaded. */
  elfForBuildId(buildId: string): Promise<ArtifactRecord | undefined>;
  /** All artifacts, newest first. */
  list(): Promise<ArtifactRecord[]>;
}
