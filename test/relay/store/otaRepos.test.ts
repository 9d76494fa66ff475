// Artifacts and deployments in SQLite: content-addressed blobs, resumable uploads, rollout state across restarts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { generateIdentity } from '../../../src/protocol/identity';
import { signManifest } from '../../../src/protocol/manifest';
import { abortDeployment, applyEvent, createDeployment, defaultSettings } from '../../../src/relay/ota/deployment';
import { artifactsMigrations, SqliteArtifactsRepo } from '../../../src/relay/store/sqlite/artifactsRepo';
import { deploymentsMigrations, SqliteDeploymentsRepo } from '../../../src/relay/store/sqlite/deploymentsRepo';
import { migrate } from '../../../src/relay/store/sqlite/migrate';

const t0 = new Date('2030-01-01T00:00:00Z');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('relay/store OTA repositories', () => {
  let dir: string;
  let db: Database.Database;
  let artifacts: SqliteArtifactsRepo;
  let deployments: SqliteDeploymentsRepo;

  function open(): void {
    db = new Database(path.join(dir, 'relay.db'));
    db.pragma('foreign_keys = ON');
    migrate(db, [...artifactsMigrations, ...deploymentsMigrations]);
    artifacts = new SqliteArtifactsRepo(db, dir);
    deployments = new SqliteDeploymentsRepo(db);
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-ota-store-'));
    open();
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('artifacts', () => {
    it('stores a blob once under DATA/artifacts/<sha256> and reads it back', async () => {
      const bytes = Buffer.from('firmware image bytes');
      const a = await artifacts.put(bytes, { kind: 'image', buildId: 'abc' }, t0);
      const b = await artifacts.put(Buffer.from(bytes), { kind: 'image' }, t0);
      assert.equal(a.sha256, sha(bytes));
      assert.deepEqual(b, a);
      assert.deepEqual(fs.readFileSync(path.join(dir, 'artifacts', a.sha256)), bytes);
      assert.deepEqual(await artifacts.read(a.sha256, 9, 100), Buffer.from('image bytes'));
      assert.deepEqual(
        fs.readdirSync(path.join(dir, 'artifacts')).filter((n) => !n.startsWith('.')),
        [a.sha256],
      );
      assert.equal((await artifacts.list()).length, 1);
    });

    it('finds the ELF of a build id', async () => {
      await artifacts.put(Buffer.from('image'), { kind: 'image', buildId: 'b1' }, t0);
      const elf = await artifacts.put(Buffer.from('\x7fELF...'), { kind: 'elf', buildId: 'b1' }, t0);
      assert.equal((await artifacts.elfForBuildId('b1'))?.sha256, elf.sha256);
      assert.equal(await artifacts.elfForBuildId('b2'), undefined);
    });

    it('resumes an upload where it stopped, across a reopen, and publishes only verified bytes', async () => {
      const image = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 7) & 0xff));
      const upload = { sha256: sha(image), size: image.length, kind: 'image' as const, buildId: 'b9' };
      assert.equal((await artifacts.writeUpload(upload, 0, image.subarray(0, 4000), t0)).received, 4000);
      assert.equal(await artifacts.get(upload.sha256), undefined);
      assert.ok(!fs.existsSync(path.join(dir, 'artifacts', upload.sha256)));
      db.close();
      open();
      assert.equal(await artifacts.uploadOffset(upload.sha256), 4000);
      await assert.rejects(artifacts.writeUpload(upload, 0, image.subarray(0, 10), t0), /continues at 4000/);
      const done = await artifacts.writeUpload(upload, 4000, image.subarray(4000), t0);
      assert.equal(done.artifact?.buildId, 'b9');
      assert.deepEqual(await artifacts.read(upload.sha256, 0, image.length), image);
      assert.equal(await artifacts.uploadOffset(upload.sha256), image.length);
    });

    it('discards an upload whose bytes do not match its sha256', async () => {
      const upload = { sha256: sha(Buffer.from('good')), size: 4, kind: 'image' as const };
      await assert.rejects(
        artifacts.writeUpload(upload, 0, Buffer.from('evil'), t0),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, 'UPLOAD_INCOMPLETE');
          return true;
        },
      );
      assert.equal(await artifacts.get(upload.sha256), undefined);
      assert.equal(await artifacts.uploadOffset(upload.sha256), 0);
      await assert.rejects(artifacts.writeUpload(upload, 0, Buffer.from('good!'), t0), /exceed/);
    });

    it('refuses names that are not a sha256', () => {
      assert.throws(() => artifacts.filePath('../relay.db'), /sha256/);
    });
  });

  describe('deployments', () => {
    const signed = signManifest(
      { imageSha256: sha(Buffer.from('img')), imageSize: 3, buildId: 'b', version: '1', board: 'x', antiRollback: 0 },
      generateIdentity(),
    );
    const make = () =>
      createDeployment(
        {
          id: 'd1',
          createdBy: 'ci',
          signed,
          waves: [['a'], ['b', 'c']],
          settings: { ...defaultSettings, rolloutPercent: 34 },
        },
        t0,
      );

    it('needs the image artifact to exist', async () => {
      await assert.rejects(deployments.create(make()), /FOREIGN KEY/);
    });

    it('round-trips a deployment and keeps its progress across a reopen', async () => {
      await artifacts.put(Buffer.from('img'), { kind: 'image' }, t0);
      let d = make();
      await deployments.create(d);
      assert.deepEqual(await deployments.get('d1'), d);
      d = applyEvent(d, 'a', { type: 'bytes', offset: 2 }, t0);
      await deployments.saveDevice('d1', 'a', d.devices.a, d.updatedAt);
      d = applyEvent(d, 'a', { type: 'status', state: 'confirmed' }, t0);
      await deployments.save(d);
      db.close();
      open();
      const back = await deployments.get('d1');
      assert.deepEqual(back, d);
      assert.equal(back?.currentWave, 1);
      assert.deepEqual(
        (await deployments.unfinished()).map((x) => x.id),
        ['d1'],
      );
      assert.deepEqual(
        (await deployments.list(10)).map((x) => x.id),
        ['d1'],
      );
    });

    it('drops finished deployments from what a restart resumes', async () => {
      await artifacts.put(Buffer.from('img'), { kind: 'image' }, t0);
      const d = make();
      await deployments.create(d);
      const aborted = abortDeployment(d, 'stop', t0)?.deployment ?? assert.fail();
      await deployments.save(aborted);
      assert.deepEqual(await deployments.unfinished(), []);
      assert.equal((await deployments.get('d1'))?.devices.b.state, 'canceled');
    });
  });
});
