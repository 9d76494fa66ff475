// SQLite implementation of the artifact index (blobs live in DATA/artifacts), and the table's migrations.
import type Database from 'better-sqlite3';
import { OtaError } from '../../../protocol/otaErrors';
import { ArtifactFiles } from '../artifactFiles';
import type { ArtifactKind, ArtifactRecord, ArtifactsRepo, ArtifactUpload, UploadProgress } from '../artifactsRepo';
import type { Migration } from './migrate';

/** Schema steps of the artifacts table. */
export const artifactsMigrations: Migration[] = [
  {
    id: 'artifacts-1',
    sql: `CREATE TABLE artifacts (
      sha256 TEXT PRIMARY KEY,
      size INTEGER NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('image', 'elf')),
      build_id TEXT,
      created_at TEXT NOT NULL
    );
    CREATE INDEX artifacts_build_id ON artifacts (build_id)`,
  },
];

interface ArtifactRow {
  sha256: string;
  size: number;
  kind: ArtifactKind;
  build_id: string | null;
  created_at: string;
}

function fromRow(row: ArtifactRow): ArtifactRecord {
  return { sha256: row.sha256, size: row.size, kind: row.kind, buildId: row.build_id, createdAt: row.created_at };
}

/** Artifacts indexed in a better-sqlite3 database, with their bytes under `DATA/artifacts`. */
export class SqliteArtifactsRepo implements ArtifactsRepo {
  private readonly files: ArtifactFiles;

  constructor(
    private readonly db: Database.Database,
    dataDir: string,
  ) {
    this.files = new ArtifactFiles(dataDir);
  }

  async put(bytes: Uint8Array, meta: { kind: ArtifactKind; buildId?: string }, now: Date): Promise<ArtifactRecord> {
    const sha256 = this.files.write(bytes);
    return this.record(sha256, bytes.length, meta.kind, meta.buildId, now);
  }

  async uploadOffset(sha256: string): Promise<number> {
    this.files.pathOf(sha256);
    const existing = this.row(sha256);
    return existing ? existing.size : this.files.partialSize(sha256);
  }

  async writeUpload(upload: ArtifactUpload, offset: number, bytes: Uint8Array, now: Date): Promise<UploadProgress> {
    const existing = this.row(upload.sha256);
    if (existing && this.files.has(upload.sha256)) return { received: existing.size, artifact: fromRow(existing) };
    // A blob is only ever published under its name after its hash was checked, so a file without a row is valid.
    if (this.files.has(upload.sha256))
      return {
        received: upload.size,
        artifact: this.record(upload.sha256, upload.size, upload.kind, upload.buildId, now),
      };
    const { received, complete } = this.files.append(upload.sha256, upload.size, offset, bytes);
    if (!complete) return { received };
    return { received, artifact: this.record(upload.sha256, upload.size, upload.kind, upload.buildId, now) };
  }

  async get(sha256: string): Promise<ArtifactRecord | undefined> {
    const row = this.row(sha256);
    return row && fromRow(row);
  }

  async read(sha256: string, offset: number, length: number): Promise<Buffer> {
    if (!this.row(sha256)) throw new OtaError('ARTIFACT_NOT_FOUND', sha256);
    return this.files.read(sha256, offset, length);
  }

  filePath(sha256: string): string {
    return this.files.pathOf(sha256);
  }

  async elfForBuildId(buildId: string): Promise<ArtifactRecord | undefined> {
    const row = this.db
      .prepare("SELECT * FROM artifacts WHERE build_id = ? AND kind = 'elf' ORDER BY created_at DESC LIMIT 1")
      .get(buildId) as ArtifactRow | undefined;
    return row && fromRow(row);
  }

  async list(): Promise<ArtifactRecord[]> {
    return (this.db.prepare('SELECT * FROM artifacts ORDER BY created_at DESC, sha256').all() as ArtifactRow[]).map(
      fromRow,
    );
  }

  private row(sha256: string): ArtifactRow | undefined {
    return this.db.prepare('SELECT * FROM artifacts WHERE sha256 = ?').get(sha256) as ArtifactRow | undefined;
  }

  private record(sha256: string, size: number, kind: ArtifactKind, buildId: string | undefined, now: Date) {
    this.db
      .prepare(
        `INSERT INTO artifacts (sha256, size, kind, build_id, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (sha256) DO UPDATE SET build_id = COALESCE(artifacts.build_id, excluded.build_id)`,
      )
      .run(sha256, size, kind, buildId ?? null, now.toISOString());
    return fromRow(this.row(sha256) as ArtifactRow);
  }
}
