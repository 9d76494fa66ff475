// The operator commands of `outpost` as a user runs them against a relay process: output, exit codes, config sources.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runOutpost } from '../helpers/outpostCli';
import { startRelayProcess, type RelayUnderTest } from '../helpers/relayProcess';

describe('outpost CLI (separate processes)', function () {
  let relay: RelayUnderTest;
  let dir: string;
  const admin = (...args: string[]) => runOutpost([...args, '--relay', relay.url, '--key', relay.adminKey]);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-cli-'));
    relay = await startRelayProcess();
  });
  after(async () => {
    await relay?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keys new writes a 0600 key file, prints only the public key, and never overwrites', async () => {
    const file = path.join(dir, 'me.key');
    const r = await runOutpost(['keys', 'new', '--out', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^[A-Za-z0-9_-]{43}\n$/);
    assert.equal(r.stderr, '');
    assert.equal((fs.statSync(file).mode & 0o777).toString(8), '600');
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { type: string; publicKey: string };
    assert.deepEqual([saved.type, saved.publicKey], ['outpost-ed25519-key', r.stdout.trim()]);

    const before = fs.readFileSync(file);
    const again = await runOutpost(['keys', 'new', '--out', file]);
    assert.equal(again.code, 1);
    assert.equal(again.stdout, '');
    assert.match(again.stderr, /^outpost: .*me\.key already exists; choose another path or remove it first\n$/);
    assert.deepEqual(fs.readFileSync(file), before);
  });

  it('registers, lists and removes devices, as a table and as JSON', async () => {
    const key = (await runOutpost(['keys', 'new', '--out', path.join(dir, 'dev1.key')])).stdout.trim();
    const add = await admin('device', 'add', 'valve-9', '--pubkey', key, '--tag', 'site=north', '--tag', 'hw=rev-b');
    assert.equal(add.code, 0, add.stderr);
    assert.equal(add.stdout, 'device valve-9 added\n');

    const json = await admin('devices', '--json');
    const list = JSON.parse(json.stdout) as Record<string, unknown>[];
    const d = list.find((x) => x.name === 'valve-9')!;
    for (const field of ['name', 'online', 'firmwareVersion', 'buildId', 'rssi', 'lastSeen', 'tags'])
      assert.ok(field in d, field);
    assert.deepEqual([d.online, d.tags, d.publicKey], [false, { site: 'north', hw: 'rev-b' }, key]);

    const table = await admin('devices');
    assert.match(table.stdout, /^NAME +STATUS +FIRMWARE +BUILD +RSSI +UPTIME +LAST SEEN +TAGS$/m);
    assert.match(table.stdout, /^valve-9 +offline +- +- +- +- +never +site=north,hw=rev-b$/m);

    const dup = await admin(
      'device',
      'add',
      'valve-9',
      '--pubkey',
      (await runOutpost(['keys', 'new', '--out', path.join(dir, 'dev2.key')])).stdout.trim(),
    );
    assert.equal(dup.code, 1);
    assert.equal(dup.stderr, 'outpost: a device named "valve-9" already exists\n');

    assert.equal((await admin('device', 'rm', 'valve-9')).stdout, 'device valve-9 removed\n');
    const gone = await admin('device', 'rm', 'valve-9');
    assert.deepEqual([gone.code, gone.stderr], [1, 'outpost: no device named "valve-9"\n']);
  });

  it('enforces roles for operators added from the CLI', async () => {
    const viewerKey = (await runOutpost(['keys', 'new', '--out', path.join(dir, 'viewer.key')])).stdout.trim();
    const add = await admin('operator', 'add', 'vera', '--pubkey', viewerKey, '--role', 'viewer');
    assert.equal(add.stdout, 'operator vera added as viewer\n');
    const asViewer = (...args: string[]) =>
      runOutpost([...args, '--relay', relay.url, '--key', path.join(dir, 'viewer.key')]);
    assert.equal((await asViewer('devices', '--json')).code, 0);
    const denied = await asViewer('device', 'add', 'x', '--pubkey', viewerKey);
    assert.deepEqual([denied.code, denied.stderr], [1, 'outpost: your role may not call devices.add\n']);
    const token = await asViewer('enroll-token', 'create');
    assert.equal(token.code, 1);
    assert.equal(token.stdout, '');
    const ops = JSON.parse((await admin('operators', '--json')).stdout) as { name: string; role: string }[];
    assert.deepEqual(ops.find((o) => o.name === 'vera')?.role, 'viewer');
    const badRole = await admin('operator', 'add', 'x', '--pubkey', viewerKey, '--role', 'root');
    assert.deepEqual(
      [badRole.code, badRole.stderr],
      [2, 'outpost: --role must be one of admin, deployer, debugger, viewer\n'],
    );
  });

  it('enroll-token create prints only the token', async () => {
    const r = await admin('enroll-token', 'create', '--tag', 'batch=3', '--uses', '10', '--ttl', '7d');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^[A-Za-z0-9_-]{20,}\n$/);
    const bad = await admin('enroll-token', 'create', '--ttl', 'forever');
    assert.deepEqual([bad.code, bad.stdout], [2, '']);
    assert.match(bad.stderr, /^outpost: bad --ttl "forever": use a duration like 90s, 30m, 1h or 7d\n$/);
  });

  it('takes the relay and key from OUTPOST_RELAY / OUTPOST_KEY, then from the config file, flags first', async () => {
    const env = await runOutpost(['devices', '--json'], {
      env: { OUTPOST_RELAY: relay.url, OUTPOST_KEY: relay.adminKey },
    });
    assert.equal(env.code, 0, env.stderr);

    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-home-'));
    fs.mkdirSync(path.join(home, '.config', 'outpost'), { recursive: true });
    fs.writeFileSync(
      path.join(home, '.config', 'outpost', 'config.json'),
      JSON.stringify({ relay: relay.url, key: relay.adminKey }),
    );
    const file = await runOutpost(['devices', '--json'], { env: { HOME: home } });
    assert.equal(file.code, 0, file.stderr);
    const flagWins = await runOutpost(['devices', '--relay', 'ws://127.0.0.1:1'], { env: { HOME: home } });
    assert.equal(flagWins.code, 1);
    assert.match(flagWins.stderr, /^outpost: cannot reach the relay at http:\/\/127\.0\.0\.1:1\/v1\/challenge/);

    fs.writeFileSync(path.join(home, '.config', 'outpost', 'config.json'), '{"relay": ');
    const broken = await runOutpost(['devices'], { env: { HOME: home } });
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /config\.json is not valid JSON: fix it or delete it\n$/);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('says how to give a relay and key when none is configured', async () => {
    const r = await runOutpost(['devices']);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^outpost: no relay given: pass --relay URL, set OUTPOST_RELAY, or put "relay" in .*config\.json\n$/,
    );
    const k = await runOutpost(['devices', '--relay', relay.url, '--key', path.join(dir, 'missing.key')]);
    assert.equal(k.code, 1);
    assert.match(k.stderr, /missing\.key not found; create one with: outpost keys new --out/);
    const unknown = await runOutpost(['devices', '--relay', relay.url, '--key', path.join(dir, 'dev2.key')]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /this key is not registered on the relay/);
  });

  it('answers unknown commands and options with a usage line (exit 2) and prints help', async () => {
    const unknown = await runOutpost(['frobnicate']);
    assert.deepEqual(
      [unknown.code, unknown.stderr],
      [2, 'outpost: unknown command "frobnicate"; see: outpost --help\n'],
    );
    const opt = await runOutpost(['devices', '--colour']);
    assert.deepEqual([opt.code, opt.stderr], [2, 'outpost: unknown option --colour; see: outpost devices --help\n']);
    const help = await runOutpost(['--help']);
    assert.equal(help.code, 0);
    for (const name of [
      'relay',
      'keys new',
      'devices',
      'device add',
      'device rm',
      'operator add',
      'enroll-token create',
      'agent',
      'audit',
    ]) {
      assert.match(help.stdout, new RegExp(`^  ${name} `, 'm'), name);
    }
    const one = await runOutpost(['enroll-token', 'create', '--help']);
    assert.match(one.stdout, /^usage: outpost enroll-token create \[options\]$/m);
    assert.match(one.stdout, /--ttl DURATION/);
  });

  it('refuses an agent keepalive the relay would not accept, before connecting', async () => {
    for (const value of ['2s', '2h', '7.5']) {
      const r = await runOutpost([
        'agent',
        '--relay',
        'ws://127.0.0.1:1',
        '--key',
        path.join(dir, 'absent.key'),
        '--target',
        'gdb://127.0.0.1:1',
        '--keepalive',
        value,
      ]);
      assert.deepEqual(
        [r.code, r.stderr],
        [2, `outpost: bad --keepalive "${value}": use whole seconds from 5s to 1h\n`],
      );
    }
  });
});
