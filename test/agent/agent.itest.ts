// Operator and agent through a real relay on real sockets, the agent fronting a TCP GDB stub double (or a QEMU sim
// for boot telemetry): enrollment, telemetry, rsp sessions end to end encrypted, tampering, roles, one session at a
// time, detach, and flow control.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '../../src/agent/agent';
import type { ChannelHandler } from '../../src/agent/channelHandler';
import { GdbServerTarget, SimTarget } from '../../src/agent/targets';
import { readIdentityFile } from '../../src/common/identityFile';
import { silentLogger } from '../../src/common/log';
import type { Channel } from '../../src/link/channel';
import { RelayError } from '../../src/link/errors';
import { connectOperator } from '../../src/link/operatorClient';
import type { DeviceInfo } from '../../src/protocol/control';
import { decodeFrame, FrameType } from '../../src/protocol/frame';
import { generateIdentity, type Identity } from '../../src/protocol/identity';
import { startRelay } from '../../src/relay';
import { startRelayFixture, type RelayFixture } from '../helpers/relayFixture';
import { WireTap, WsOpcode } from '../link/wireTap';
import { FakeStub } from './fakeStub';
import { otaBuilds } from './ota/firmwareBuilds';
import { RspClient } from './rspClient';

/** Resolves on 'drain' or 'close', whichever comes first, leaving no listener behind. */
function drainOrClose(stream: Channel): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

const hex = (s: string | Buffer): string => Buffer.from(s).toString('hex');

async function refusedWith(p: Promise<unknown>, code: string): Promise<RelayError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RelayError, String(e));
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}

describe('agent (real relay, GDB stub double)', function () {
  this.timeout(60_000);
  let fx: RelayFixture;
  let stub: FakeStub;
  let debuggerId: Identity;
  const agents: Agent[] = [];
  const taps: WireTap[] = [];

  async function startAgent(
    identity: Identity,
    options: { relay?: string; enroll?: { token: string; name: string } } = {},
  ) {
    const target = new GdbServerTarget('127.0.0.1', stub.port);
    const agent = new Agent({
      relay: options.relay ?? fx.url,
      identity,
      target,
      enroll: options.enroll,
      log: silentLogger,
    });
    agents.push(agent);
    await agent.start();
    await agent.whenConnected();
    return agent;
  }

  async function tap(): Promise<WireTap> {
    const t = await WireTap.start(fx.relay.port);
    taps.push(t);
    return t;
  }

  before(async () => {
    fx = await startRelayFixture();
    stub = await FakeStub.start();
    debuggerId = await fx.addOperator('dora', 'debugger');
  });
  afterEach(async () => {
    for (const a of agents.splice(0)) await a.stop();
    for (const t of taps.splice(0)) await t.close();
  });
  after(async () => {
    await stub.close();
    await fx.close();
  });

  it('enrolls with a token the first time, then reconnects with the same key without one', async () => {
    const { token } = await fx.admin.request('enroll.create', { tags: { site: 'lab' }, uses: 1, ttlSeconds: 600 });
    const key = generateIdentity();
    const first = await startAgent(key, { enroll: { token, name: 'enrolled-1' } });
    assert.equal(first.name, 'enrolled-1');
    await first.stop();
    // The token is used up now: a restarted agent must get in on its registered key alone.
    const again = await startAgent(key, { enroll: { token, name: 'enrolled-1' } });
    assert.equal(again.name, 'enrolled-1');
    const list = await fx.admin.request('devices.list');
    const me = list.find((d: DeviceInfo) => d.name === 'enrolled-1');
    assert.ok(me && me.online && me.publicKey === key.publicKeyText);
    assert.deepEqual(me.tags, { site: 'lab' });
  });

  it('refuses to start on a key the relay does not know and no token', async () => {
    const target = new GdbServerTarget('127.0.0.1', stub.port);
    const agent = new Agent({ relay: fx.url, identity: generateIdentity(), target, log: silentLogger });
    await refusedWith(agent.start(), 'UNKNOWN_KEY');
  });

  it('reports telemetry operators see in the fleet', async () => {
    const id = await fx.addDevice('tele-1');
    const updates: DeviceInfo[] = [];
    fx.admin.onEvent((e) => {
      if (e.event === 'device.updated') updates.push((e.data as { device: DeviceInfo }).device);
    });
    await fx.admin.request('fleet.subscribe');
    const target = new GdbServerTarget('127.0.0.1', stub.port, { board: 'nucleo-u575' });
    const agent = new Agent({ relay: fx.url, identity: id, target, log: silentLogger });
    agents.push(agent);
    await agent.start();
    for (let i = 0; i < 100 && !updates.some((d) => d.name === 'tele-1' && d.board === 'nucleo-u575'); i++)
      await new Promise((r) => setTimeout(r, 20));
    const seen = updates.filter((d) => d.name === 'tele-1').at(-1);
    assert.ok(seen, 'device.updated for tele-1');
    assert.equal(seen.online, true);
    assert.equal(seen.board, 'nucleo-u575');
    assert.equal(typeof seen.uptime, 'number');
  });

  it('reports a new image and a reset of a simulated device at once, not at its next look', async () => {
    const { v1, v2 } = await otaBuilds();
    const id = await fx.addDevice('sim-tele');
    const updates: DeviceInfo[] = [];
    fx.admin.onEvent((e) => {
      const d = (e.data as { device?: DeviceInfo }).device;
      if (e.event === 'device.updated' && d?.name === 'sim-tele') updates.push(d);
    });
    await fx.admin.request('fleet.subscribe');
    const until = async (what: string, pred: (d: DeviceInfo) => boolean, from = 0): Promise<DeviceInfo> => {
      for (let i = 0; i < 300; i++) {
        const found = updates.slice(from).find(pred);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.fail(`no device.updated with ${what}; saw ${JSON.stringify(updates.slice(from))}`);
    };
    const target = new SimTarget({ firmware: v1.elf });
    // Looks for changes only once an hour: only the target's boot news can reach the relay during this test.
    const agent = new Agent({ relay: fx.url, identity: id, target, log: silentLogger, telemetryPollMs: 3_600_000 });
    agents.push(agent);
    await agent.start();
    await until('firmware 1.0.0', (d) => d.online && d.firmwareVersion === v1.version);

    await target.installImage(v2.elf);
    const installed = await until(
      'firmware 2.0.0',
      (d) => d.firmwareVersion === v2.version && d.buildId === v2.buildId,
    );
    await new Promise((r) => setTimeout(r, 2000));
    const seen = updates.length;
    await target.reset();
    const reset = await until('a report after the reset', () => true, seen);
    assert.ok(reset.uptime !== null && reset.uptime < 2, `uptime ${reset.uptime} s after a reset 2 s past boot`);
    assert.ok(installed.uptime !== null && installed.uptime < 2, 'the new image booted just now');
  });

  it('carries an rsp session both ways while the relay sees only ciphertext', async () => {
    const devId = await fx.addDevice('dev-e2e');
    const deviceTap = await tap();
    const operatorTap = await tap();
    await startAgent(devId, { relay: deviceTap.url });
    const dora = await fx.operator(debuggerId, operatorTap.url);
    const channel = await dora.openChannel('dev-e2e', 'rsp');
    assert.ok(channel.encrypted);
    const rsp = new RspClient(channel);
    const marker = `outpost-secret-${randomBytes(8).toString('hex')}`;
    assert.equal(await rsp.request('?'), 'S05');
    assert.equal(await rsp.request(`qRcmd,${hex(marker)}`), hex(marker), 'the stub got the command and answered');
    const mem = await rsp.request('m20000000,40');
    assert.equal(mem.length, 0x80);
    assert.ok(stub.rawBytes.includes(marker) || stub.rawBytes.includes(hex(marker)));
    for (const t of [deviceTap, operatorTap]) {
      assert.ok(
        t.messages.some((m) => m.payload[1] === FrameType.DATA),
        'DATA frames crossed this wire',
      );
      for (const needle of [hex(marker), mem, 'qRcmd', 'S05'])
        assert.equal(t.saw(Buffer.from(needle)), false, `plaintext "${needle.slice(0, 20)}" visible on the wire`);
    }
    channel.end();
  });

  it('closes the channel with E2E_FAILED when the relay tampers with ciphertext, and releases the target', async () => {
    const devId = await fx.addDevice('dev-tamper');
    const deviceTap = await tap();
    await startAgent(devId, { relay: deviceTap.url });
    const dora = await fx.operator(debuggerId);
    const channel = await dora.openChannel('dev-tamper', 'rsp');
    const rsp = new RspClient(channel);
    assert.equal(await rsp.request('?'), 'S05');
    deviceTap.tamper = (payload) => {
      const f = decodeFrame(payload);
      if (!f.ok || f.frame.type !== FrameType.DATA) return false;
      payload[payload.length - 1] ^= 0x01; // the Poly1305 tag
      deviceTap.tamper = undefined;
      return true;
    };
    const failed = once(channel, 'error') as Promise<[RelayError]>;
    const before = stub.received.length;
    channel.write('$m20000000,4#8d');
    const [err] = await failed;
    assert.equal(err.code, 'E2E_FAILED');
    assert.equal(err.closeCode, 4030);
    // The tampered packet never reached the stub; the agent detached so the target runs on.
    await stub.waitFor(/^D$/);
    assert.ok(!stub.received.slice(before).some((p) => p.startsWith('m')));
  });

  it('delivers what the device writes the moment it accepts, before the operator sends anything', async () => {
    const devId = await fx.addDevice('dev-banner');
    const agent = await startAgent(devId);
    const banner: ChannelHandler = (request) => {
      const ch = request.accept();
      // Two encrypted chunks back to back: both reach the operator, in order, as soon as OPEN_OK does.
      ch.write('Outpost console\r\n');
      ch.write('> ');
      ch.on('data', () => undefined);
      ch.on('error', () => undefined);
    };
    agent.handle('console', banner);
    for (let i = 0; i < 10; i++) {
      const channel = await (await fx.operator(debuggerId)).openChannel('dev-banner', 'console');
      assert.ok(channel.encrypted);
      let text = '';
      let failure: Error | undefined;
      channel.on('data', (d: Buffer) => (text += d.toString()));
      channel.on('error', (e: Error) => (failure = e));
      while (text.length < 19 && !channel.destroyed) await new Promise((r) => setTimeout(r, 5));
      assert.equal(failure, undefined);
      assert.equal(text, 'Outpost console\r\n> ');
      channel.destroy();
    }
  });

  it('refuses rsp to a viewer with FORBIDDEN', async () => {
    const devId = await fx.addDevice('dev-viewer');
    await startAgent(devId);
    const viewer = await fx.operator(await fx.addOperator('vic', 'viewer'));
    const e = await refusedWith(viewer.openChannel('dev-viewer', 'rsp'), 'FORBIDDEN');
    assert.equal(e.closeCode, 4020);
  });

  it('allows one rsp session at a time and says who holds it', async () => {
    const devId = await fx.addDevice('dev-busy');
    await startAgent(devId);
    const dora = await fx.operator(debuggerId);
    const first = await dora.openChannel('dev-busy', 'rsp');
    assert.equal(await new RspClient(first).request('?'), 'S05');
    const admin = fx.admin;
    const e = await refusedWith(admin.openChannel('dev-busy', 'rsp'), 'CHANNEL_REFUSED');
    assert.match(e.message, /debug session by dora is already open/);
    first.end();
    await once(first, 'close');
    // Once the first session ended, the next one is accepted.
    let second: Channel | undefined;
    for (let i = 0; i < 50 && !second; i++) {
      second = await admin.openChannel('dev-busy', 'rsp').catch(async () => {
        await new Promise((r) => setTimeout(r, 20));
        return undefined;
      });
    }
    assert.ok(second, 'a new session opens after the first ended');
    assert.equal(await new RspClient(second).request('?'), 'S05');
    second.end();
  });

  it('detaches from the stub when the operator vanishes without detaching', async () => {
    const devId = await fx.addDevice('dev-vanish');
    await startAgent(devId);
    const operatorTap = await tap();
    const dora = await fx.operator(debuggerId, operatorTap.url);
    const channel = await dora.openChannel('dev-vanish', 'rsp');
    channel.on('error', () => undefined);
    const rsp = new RspClient(channel);
    assert.equal(await rsp.request('?'), 'S05');
    const connectionsBefore = stub.connections;
    const detachesBefore = stub.received.filter((p) => p === 'D').length;
    rsp.send('$m2000'); // half a packet, then the operator's network dies
    await new Promise((r) => setTimeout(r, 50));
    await operatorTap.close();
    for (let i = 0; i < 200 && stub.received.filter((p) => p === 'D').length === detachesBefore; i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(stub.received.filter((p) => p === 'D').length, detachesBefore + 1, 'agent sent one detach');
    assert.equal(stub.connections, connectionsBefore);
  });

  it('does not detach again after the operator detached itself', async () => {
    const devId = await fx.addDevice('dev-clean');
    await startAgent(devId);
    const dora = await fx.operator(debuggerId);
    const channel = await dora.openChannel('dev-clean', 'rsp');
    const rsp = new RspClient(channel);
    const before = stub.received.filter((p) => p === 'D').length;
    assert.equal(await rsp.request('D'), 'OK');
    channel.end();
    await once(channel, 'close');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(stub.received.filter((p) => p === 'D').length, before + 1, 'only the operator’s own detach');
  });

  it('keeps rsp round trips going while an ota channel floods the same device', async () => {
    const devId = await fx.addDevice('dev-flood');
    const agent = await startAgent(devId);
    let otaBytes = 0;
    const total = 48 * 1024 * 1024;
    const otaSink: ChannelHandler = (request) => {
      const ch = request.accept();
      // A deliberately slow consumer (like a flash write): credit keeps the relay from buffering the rest.
      ch.on('data', (d: Buffer) => {
        otaBytes += d.length;
        ch.pause();
        setTimeout(() => ch.resume(), 2);
      });
      ch.on('error', () => undefined);
    };
    agent.handle('ota', otaSink);
    const admin = fx.admin;
    const ota = await admin.openChannel('dev-flood', 'ota');
    ota.on('error', () => undefined);
    const chunk = Buffer.alloc(64 * 1024, 0x5a);
    let written = 0;
    const flooding = (async () => {
      while (written < total && !ota.destroyed) {
        written += chunk.length;
        if (!ota.write(chunk)) await drainOrClose(ota);
      }
    })();
    while (otaBytes < 1024 * 1024) await new Promise((r) => setTimeout(r, 5));
    const dora = await fx.operator(debuggerId);
    const channel = await dora.openChannel('dev-flood', 'rsp');
    const rsp = new RspClient(channel);
    for (let i = 0; i < 30; i++) assert.equal((await rsp.request(`m${(0x20000000 + i * 4).toString(16)},4`)).length, 8);
    // Ordering, not timing: thirty debug round trips finished while the bulk transfer was still in progress.
    assert.ok(otaBytes < total, `ota finished first (${otaBytes} bytes), so rsp waited behind it`);
    assert.ok(otaBytes > 1024 * 1024, 'the flood was really flowing');
    channel.end();
    ota.destroy();
    await flooding;
  });
});

describe('agent keepalive (real relay)', function () {
  this.timeout(60_000);
  const idleMs = 12_000;

  /**
   * One agent with a 5 s keepalive (the smallest a device may declare) behind a wire tap, against a relay whose
   * operator heartbeat ticks every second; `during` runs while the link is watched for `idleMs`.
   */
  async function watchAgent(during: (fx: RelayFixture) => Promise<void>) {
    const fx = await startRelayFixture(1000);
    const stub = await FakeStub.start();
    const tap = await WireTap.start(fx.relay.port);
    const id = await fx.addDevice('idle-1');
    const agent = new Agent({
      relay: tap.url,
      identity: id,
      target: new GdbServerTarget('127.0.0.1', stub.port),
      keepaliveSec: 5,
      log: silentLogger,
    });
    try {
      await agent.start();
      await agent.whenConnected();
      await new Promise((r) => setTimeout(r, 300)); // the one RTT sample at connect is not idle traffic
      const before = tap.messages.length;
      await during(fx);
      const seen = tap.messages.slice(before);
      const info = await fx.admin.request('devices.get', { name: 'idle-1' });
      return {
        appPings: seen.filter((m) => m.dir === 'up' && m.opcode === 0x2 && m.payload[1] === FrameType.PING).length,
        relayWsPings: seen.filter((m) => m.dir === 'down' && m.opcode === WsOpcode.ping).length,
        connected: agent.connected,
        online: info.online,
      };
    } finally {
      await agent.stop();
      await tap.close();
      await stub.close();
      await fx.close();
    }
  }

  it('keeps an idle link alive by itself: a PING per silent interval, never pinged by the relay, stays online', async () => {
    const seen = await watchAgent(() => new Promise((r) => setTimeout(r, idleMs)));
    assert.equal(seen.relayWsPings, 0, 'the relay pinged the device');
    assert.ok(seen.appPings >= 2, `only ${seen.appPings} keepalive PINGs in ${idleMs} ms with a 5 s keepalive`);
    // Twelve relay heartbeat ticks passed: the device was judged by its own 5 s keepalive, not the relay's 1 s.
    assert.ok(seen.connected && seen.online);
  });

  it('sends no keepalive PINGs while other traffic keeps the link busy', async () => {
    const seen = await watchAgent(async (fx) => {
      const channel = await fx.admin.openChannel('idle-1', 'rsp');
      const rsp = new RspClient(channel);
      for (let t = 0; t < idleMs; t += 1000) {
        assert.equal(await rsp.request('?'), 'S05');
        await new Promise((r) => setTimeout(r, 1000));
      }
      channel.end();
    });
    assert.equal(seen.appPings, 0);
    assert.ok(seen.connected && seen.online);
  });

  it('refuses a keepalive a relay would not accept, naming the range', () => {
    for (const keepaliveSec of [4, 3601, 7.5]) {
      assert.throws(
        () =>
          new Agent({
            relay: 'ws://127.0.0.1:1',
            identity: generateIdentity(),
            target: {} as never,
            keepaliveSec,
            log: silentLogger,
          }),
        /whole seconds from 5 to 3600/,
      );
    }
  });
});

describe('agent reconnect (real relay restarted)', function () {
  this.timeout(60_000);

  it('reconnects with backoff after the relay restarts, and serves sessions again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-restart-'));
    const stub = await FakeStub.start();
    let relay = await startRelay({ listen: '127.0.0.1:0', dataDir: dir, log: silentLogger });
    const port = relay.port;
    const admin = await connectOperator({ relay: relay.url, identity: readIdentityFile(relay.adminKeyFile) });
    const id = generateIdentity();
    await admin.request('devices.add', { name: 'phoenix', publicKey: id.publicKeyText, tags: {} });
    admin.close();
    const agent = new Agent({
      relay: relay.url,
      identity: id,
      target: new GdbServerTarget('127.0.0.1', stub.port),
      log: silentLogger,
    });
    try {
      await agent.start();
      await agent.whenConnected();
      const dropped = once(agent, 'disconnected') as Promise<[RelayError]>;
      await relay.close();
      const [why] = await dropped;
      assert.equal(why.code, 'RELAY_SHUTDOWN');
      assert.equal(agent.connected, false);
      relay = await startRelay({ listen: `127.0.0.1:${port}`, dataDir: dir, log: silentLogger });
      await agent.whenConnected();
      const operator = await connectOperator({ relay: relay.url, identity: readIdentityFile(relay.adminKeyFile) });
      const channel = await operator.openChannel('phoenix', 'rsp');
      assert.equal(await new RspClient(channel).request('?'), 'S05');
      channel.end();
      operator.close();
    } finally {
      await agent.stop();
      await relay.close();
      await stub.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
