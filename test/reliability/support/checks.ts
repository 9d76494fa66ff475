// What every kill case checks afterwards, as a user would: the device runs (its log goes on), the deployment ended or
// resumed (not stuck), the device runs a whole build (old or new, never half), the relay's SQLite store is consistent.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { isFinal, type DeploymentJson } from '../../../src/link/otaClient';
import { listDevices } from '../../helpers/listedDevices';
import { LogsTail } from '../../debug/remoteFleet';
import type { KillFleet } from './killFleet';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The device was not left halted: a fresh logs channel (retried while the device or relay comes back) shows the
 * firmware taking a new reading.
 */
export async function runsOn(fleet: KillFleet, device: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const tail = await LogsTail.open(fleet.admin, device, 0).catch(() => undefined);
    try {
      if (tail) return void (await tail.waitFor(/reading #/, 5_000, 0));
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${device} took no reading within ${timeoutMs} ms: halted? (${err})`);
    } finally {
      tail?.close();
    }
    if (Date.now() > deadline) throw new Error(`no logs channel to ${device} within ${timeoutMs} ms`);
    await sleep(500);
  }
}

/** The deployment reaches a final state within `timeoutMs`, as `outpost deployment show ID --json` shows it. */
export async function settles(fleet: KillFleet, id: string, timeoutMs = 90_000): Promise<DeploymentJson> {
  let last = '';
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(1000)) {
    const r = await fleet.cli('deployment', 'show', id, '--json');
    if (r.code !== 0) {
      last = r.stderr;
      continue;
    }
    const d = JSON.parse(r.stdout) as DeploymentJson;
    if (isFinal(d)) return d;
    last = `${d.status} ${JSON.stringify(d.devices)}`;
  }
  throw new Error(`deployment ${id} stuck for ${timeoutMs} ms: ${last}`);
}

/**
 * The build id the device runs, once the firmware itself (console `version`) and the fleet listing (`devices
 * --json`) agree on it: a half-written image would answer nothing or another id.
 */
export async function runningBuild(fleet: KillFleet, device: string, timeoutMs = 30_000): Promise<string> {
  let said = '';
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(500)) {
    const v = await fleet.cli('exec', device, '--', 'version');
    const fromFirmware = /^build-id ([0-9a-f]{40})$/m.exec(v.stdout)?.[1];
    const listed = (await listDevices({ relay: fleet.url, key: fleet.relay.adminKey })).find((d) => d.name === device);
    said = `firmware: ${fromFirmware ?? v.stderr.trim()}, listed: ${listed?.buildId}`;
    if (fromFirmware && listed?.buildId === fromFirmware) return fromFirmware;
  }
  throw new Error(`${device}: the firmware and the fleet listing never agreed on a build (${said})`);
}

interface Row {
  [column: string]: string | number | null;
}

/**
 * Reads the stopped relay's SQLite file: SQLite's own integrity and foreign-key checks, then the rows against each
 * other — every deployment device is a registered device, a finished deployment has no device still in flight, a
 * succeeded one only confirmed devices, a device that confirmed a build is listed with that build id, and every
 * deployed image is in the artifact store.
 */
export function assertStoreConsistent(dataDir: string): void {
  const db = new Database(path.join(dataDir, 'relay.db'), { readonly: true });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual(db.pragma('foreign_key_check'), []);
    const all = (sql: string): Row[] => db.prepare(sql).all() as Row[];
    assert.deepEqual(all('SELECT device FROM deployment_devices WHERE device NOT IN (SELECT name FROM devices)'), []);
    const final = ['confirmed', 'failed', 'rolled_back', 'canceled'];
    for (const d of all('SELECT id, status, manifest, image_sha256 FROM deployments')) {
      const devices = db
        .prepare('SELECT device, state FROM deployment_devices WHERE deployment_id = ?')
        .all(d.id) as Row[];
      if (d.status !== 'running' && d.status !== 'paused')
        for (const x of devices)
          assert.ok(
            final.includes(String(x.state)) || d.status === 'aborted',
            `${d.id} ${d.status} but ${x.device} ${x.state}`,
          );
      if (d.status === 'succeeded')
        assert.ok(
          devices.every((x) => x.state === 'confirmed'),
          `${d.id}: ${JSON.stringify(devices)}`,
        );
      const buildId = (JSON.parse(String(d.manifest)) as { buildId: string }).buildId;
      for (const x of devices.filter((y) => y.state === 'confirmed')) {
        const listed = db.prepare('SELECT build_id FROM devices WHERE name = ?').get(x.device) as Row;
        assert.equal(
          listed.build_id,
          buildId,
          `${x.device} confirmed ${buildId} but is listed with ${listed.build_id}`,
        );
      }
      assert.ok(fs.existsSync(path.join(dataDir, 'artifacts', String(d.image_sha256))), `image of ${d.id} is stored`);
    }
  } finally {
    db.close();
  }
}
