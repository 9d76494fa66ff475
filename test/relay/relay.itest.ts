// The relay as a user runs it (`outpost relay` in its own process): first start, presence and telemetry, restart, TLS, shutdown.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { CloseCode } from '../../src/protocol/closeCodes';
import { controlFrame } from '../../src/protocol/frame';
import { generateIdentity } from '../../src/protocol/identity';
import { authHeaders } from '../../src/protocol/auth';
import { runOutpost, startOutpost } from '../helpers/outpostCli';
import { listDevices, waitForDevice, type FleetAccess } from '../helpers/listedDevices';
import { connectRaw, httpGet } from '../helpers/rawPeer';
import { startRelayProcess, type RelayUnderTest } from '../helpers/relayProcess';

/** The CLI's view of a relay process, as its admin. */
const asAdmin = (relay: RelayUnderTest): FleetAccess => ({ relay: relay.url, key: relay.adminKey });

async function addDevice(relay: RelayUnderTest, name: string, publicKey: string, ...tags: string[]): Promise<void> {
  const r = await runOutpost([
    'device',
    'add',
    name,
    '--pubkey',
    publicKey,
    ...tags.flatMap((t) => ['--tag', t]),
    '--relay',
    relay.url,
    '--key',
    relay.adminKey,
  ]);
  assert.equal(r.code, 0, r.stderr);
}

describe('outpost relay (separate process)', function () {
  const relays: RelayUnderTest[] = [];
  const sockets: WebSocket[] = [];
  const start = async (...args: Parameters<typeof startRelayProcess>): Promise<RelayUnderTest> => {
    const r = await startRelayProcess(...args);
    relays.push(r);
    return r;
  };
  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.terminate());
    await Promise.all(relays.splice(0).map((r) => r.stop()));
  });

  it('writes an admin identity on first start only, and serves /healthz and /metrics', async () => {
    const relay = await start();
    assert.match(relay.process.stdout(), /wrote admin identity to .*admin\.key/);
    assert.equal((fs.statSync(relay.adminKey).mode & 0o777).toString(8), '600');
    const health = await httpGet(relay.httpUrl, '/healthz');
    assert.equal(health.status, 200);
    assert.equal((JSON.parse(health.body) as { status: string }).status, 'ok');
    const metrics = await httpGet(relay.httpUrl, '/metrics');
    assert.match(metrics.body, /^outpost_connected_devices 0$/m);
    assert.match(metrics.body, /^outpost_open_channels\{kind="rsp"\} 0$/m);
    assert.equal(await relay.stop(), 0);

    const again = await start({ dataDir: relay.dataDir });
    assert.doesNotMatch(again.process.stdout(), /admin identity/);
    const whoami = await runOutpost(['devices', '--relay', again.url, '--key', relay.adminKey]);
    assert.equal(whoami.code, 0, whoami.stderr);
  });

  it('shows devices online with their telemetry, then offline with when they were last seen', async () => {
    const relay = await start();
    const id = generateIdentity();
    await addDevice(relay, 'pump-1', id.publicKeyText, 'site=lab');
    const before = await listDevices(asAdmin(relay));
    assert.deepEqual(
      before.map((d) => [d.name, d.online, d.lastSeen]),
      [['pump-1', false, null]],
    );

    const device = await connectRaw(relay, id);
    sockets.push(device.ws);
    device.ws.send(
      controlFrame({ event: 'telemetry', data: { firmwareVersion: '1.4.2', buildId: 'b1d5', uptime: 42, rssi: -77 } }),
    );
    const online = await waitForDevice(asAdmin(relay), 'pump-1', (d) => d.online && d.firmwareVersion === '1.4.2');
    assert.equal(online.buildId, 'b1d5');
    assert.equal(online.rssi, -77);
    assert.equal(online.uptime, 42);
    assert.deepEqual(online.tags, { site: 'lab' });
    const metrics = await httpGet(relay.httpUrl, '/metrics');
    assert.match(metrics.body, /^outpost_connected_devices 1$/m);

    const table = await runOutpost(['devices', '--relay', relay.url, '--key', relay.adminKey]);
    assert.match(table.stdout, /pump-1 +online +1\.4\.2 +b1d5 +-77 dBm/);

    device.ws.close(1000);
    const offline = await waitForDevice(asAdmin(relay), 'pump-1', (d) => !d.online);
    assert.ok(offline.lastSeen && Date.parse(offline.lastSeen) > Date.now() - 60_000);
    assert.equal(offline.firmwareVersion, '1.4.2');
  });

  it('keeps the registry across a restart and lets devices connect again', async () => {
    const relay = await start();
    const id = generateIdentity();
    await addDevice(relay, 'gw-7', id.publicKeyText, 'fleet=eu');
    const first = await connectRaw(relay, id);
    first.ws.send(controlFrame({ event: 'telemetry', data: { firmwareVersion: '2.0.0', uptime: 1 } }));
    await waitForDevice(asAdmin(relay), 'gw-7', (d) => d.firmwareVersion === '2.0.0');
    assert.equal(await relay.stop(), 0);
    assert.equal((await first.closed).code, CloseCode.RELAY_SHUTDOWN);

    const again = await start({ dataDir: relay.dataDir, listen: `127.0.0.1:${relay.port}` });
    const listed = await listDevices(asAdmin(again));
    assert.deepEqual(
      listed.map((d) => [d.name, d.online, d.firmwareVersion, d.tags]),
      [['gw-7', false, '2.0.0', { fleet: 'eu' }]],
    );
    const second = await connectRaw(again, id);
    sockets.push(second.ws);
    await waitForDevice(asAdmin(again), 'gw-7', (d) => d.online);
  });

  it('closes every peer with RELAY_SHUTDOWN on SIGTERM and exits 0', async () => {
    const relay = await start();
    const id = generateIdentity();
    await addDevice(relay, 'd', id.publicKeyText);
    const device = await connectRaw(relay, id);
    const operator = await connectRaw(
      relay,
      (await import('../../src/common/identityFile')).readIdentityFile(relay.adminKey),
    );
    assert.equal(await relay.stop(), 0);
    assert.equal((await device.closed).code, CloseCode.RELAY_SHUTDOWN);
    assert.equal((await operator.closed).code, CloseCode.RELAY_SHUTDOWN);
  });

  it('serves wss:// with --tls-cert/--tls-key, and the CLI works over it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-tls-'));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const relay = await start({ extraArgs: ['--tls-cert', cert, '--tls-key', key] });
    assert.match(relay.url, /^wss:\/\/127\.0\.0\.1:\d+$/);
    const ca = fs.readFileSync(cert);
    const health = await new Promise<number>((resolve, reject) =>
      https.get(`${relay.httpUrl}/healthz`, { ca }, (res) => resolve(res.statusCode ?? 0)).on('error', reject),
    );
    assert.equal(health, 200);

    const id = generateIdentity();
    const add = await runOutpost(
      ['device', 'add', 'secure-1', '--pubkey', id.publicKeyText, '--relay', relay.url, '--key', relay.adminKey],
      {
        env: { NODE_EXTRA_CA_CERTS: cert },
      },
    );
    assert.equal(add.code, 0, add.stderr);
    const challenge = await new Promise<string>((resolve, reject) =>
      https
        .get(`${relay.httpUrl}/v1/challenge`, { ca }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve((JSON.parse(body) as { challenge: string }).challenge));
        })
        .on('error', reject),
    );
    const ws = new WebSocket(`${relay.url}/v1/connect`, {
      ca,
      headers: authHeaders(id, challenge, relay.host),
      perMessageDeflate: false,
    });
    sockets.push(ws);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const untrusted = await runOutpost(['devices', '--relay', relay.url, '--key', relay.adminKey]);
    assert.notEqual(untrusted.code, 0);
    assert.equal(untrusted.stderr.trim().split('\n').length, 1);
  });

  it('cuts off an operator that stops answering pings', async () => {
    const relay = await start({ extraArgs: ['--heartbeat', '1s'] });
    const id = generateIdentity();
    const add = await runOutpost([
      'operator',
      'add',
      'mute-op',
      '--pubkey',
      id.publicKeyText,
      '--role',
      'viewer',
      '--relay',
      relay.url,
      '--key',
      relay.adminKey,
    ]);
    assert.equal(add.code, 0, add.stderr);
    const operator = await connectRaw(relay, id, { autoPong: false });
    const closed = await operator.closed;
    assert.equal(closed.code, 1006, 'terminated without a close handshake');
    // The relay logs the cut just after it made it: the line may trail the close the operator saw.
    await relay.process.waitForStderr(/"name":"mute-op","code":"HEARTBEAT_TIMEOUT"/, 10_000);
  });

  it('shows a device offline when its agent freezes (SIGSTOP), judged by the keepalive it declared', async () => {
    const relay = await start({ extraArgs: ['--heartbeat', '1s'] });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-frozen-'));
    const keyFile = path.join(dir, 'frozen.key');
    const key = await runOutpost(['keys', 'new', '--out', keyFile]);
    assert.equal(key.code, 0, key.stderr);
    await addDevice(relay, 'frozen', key.stdout.trim());
    // No GDB server is needed until someone debugs: the agent only has to stay connected.
    const agent = await startOutpost(
      ['agent', '--relay', relay.url, '--key', keyFile, '--target', 'gdb://127.0.0.1:1', '--keepalive', '5s'],
      { cwd: dir },
    );
    try {
      await agent.waitFor(/agent connected as frozen\n/);
      await waitForDevice(asAdmin(relay), 'frozen', (d) => d.online);
      await relay.process.waitForStderr(/"name":"frozen"[^\n]*"keepaliveSec":5/, 10_000);
      agent.child.kill('SIGSTOP');
      // 2 × 5 s + one 1 s relay tick; polled well past that.
      await waitForDevice(asAdmin(relay), 'frozen', (d) => !d.online);
      await relay.process.waitForStderr(/"name":"frozen","code":"HEARTBEAT_TIMEOUT"/, 10_000);
    } finally {
      agent.child.kill('SIGCONT');
      await agent.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad --listen or unreadable TLS files with one line and a non-zero exit', async () => {
    const bad = await runOutpost([
      'relay',
      '--listen',
      'nowhere',
      '--data',
      fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-x-')),
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^outpost: bad --listen "nowhere": use HOST:PORT/);
    const tls = await runOutpost([
      'relay',
      '--tls-cert',
      '/nonexistent.pem',
      '--tls-key',
      '/nonexistent.key',
      '--data',
      fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-x-')),
    ]);
    assert.equal(tls.code, 1);
    assert.match(tls.stderr, /^outpost: cannot read --tls-cert \/nonexistent\.pem: ENOENT\n$/);
  });
});
