// Path traversal through artifacts.* and deployments.* against a real relay: refused with a typed code, nothing written outside DATA/artifacts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { readIdentityFile } from '../../src/common/identityFile';
import { controlFrame, FrameType, type Frame } from '../../src/protocol/frame';
import { connectRaw, type RawPeer } from '../helpers/rawPeer';
import { startRelayProcess, type RelayUnderTest } from '../helpers/relayProcess';

/** Every file path under `dir`, relative to it. */
function tree(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

describe('relay: path traversal in artifact and deployment ids', function () {
  let relay: RelayUnderTest;
  let admin: RawPeer;
  let nextId = 1;

  async function call(method: string, params: Record<string, unknown>): Promise<{ code?: string }> {
    const id = nextId++;
    admin.ws.send(controlFrame({ id, method, params }));
    const f = (await admin.next(
      (x: Frame) => x.type === FrameType.CONTROL && (x.json as { id?: number }).id === id,
    )) as { json: { error?: { code: string } } };
    return { code: f.json.error?.code };
  }

  before(async () => {
    relay = await startRelayProcess();
    admin = await connectRaw(relay, readIdentityFile(relay.adminKey));
  });
  after(async () => {
    admin?.ws.terminate();
    await relay?.stop();
  });

  it('refuses ../ names as sha256, build id or deployment id, and writes nothing outside DATA/artifacts', async () => {
    const root = path.dirname(relay.dataDir);
    const filesBefore = tree(root).filter((p) => !p.includes('artifacts'));
    const hostile = [
      '../../x',
      '..%2f..%2fx',
      '/etc/passwd',
      `../${'a'.repeat(61)}`,
      'ab'.repeat(31) + '/.',
      '.uploads',
    ];
    const data = Buffer.from('payload').toString('base64');
    for (const name of hostile) {
      const upload = await call('artifacts.upload', { sha256: name, size: 7, kind: 'image', offset: 0, data });
      assert.ok(upload.code, `artifacts.upload accepted sha256 ${name}`);
      const status = await call('artifacts.status', { sha256: name });
      assert.ok(status.code, `artifacts.status accepted sha256 ${name}`);
      const dep = await call('deployments.get', { id: name });
      assert.ok(dep.code, `deployments.get accepted id ${name}`);
    }
    const viaBuildId = await call('artifacts.upload', {
      sha256: 'ab'.repeat(32),
      size: 7,
      kind: 'elf',
      buildId: '../../x',
      offset: 0,
      data,
    });
    assert.ok(viaBuildId.code, 'artifacts.upload accepted buildId ../../x');

    const filesAfter = tree(root).filter((p) => !p.includes('artifacts'));
    const added = filesAfter.filter((p) => !filesBefore.includes(p) && !/relay\.db(-wal|-shm|-journal)?$/.test(p));
    assert.deepEqual(added, [], 'files written outside DATA/artifacts');
    const artifacts = tree(path.join(relay.dataDir, 'artifacts'));
    assert.deepEqual(artifacts, ['.uploads'], 'nothing stored for refused uploads');
    assert.equal(fs.existsSync(path.join(root, 'x')), false);
    assert.equal(relay.process.child.exitCode, null, 'relay process still running');
  });
});
