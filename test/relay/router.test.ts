// Unit tests of the channel router on in-memory connections: id mapping, forwarding, credit, refusals, teardown, audit.
import assert from 'node:assert/strict';
import type WebSocket from 'ws';
import { silentLogger } from '../../src/common/log';
import { CloseCode } from '../../src/protocol/closeCodes';
import { INITIAL_WINDOW } from '../../src/protocol/credit';
import { decodeFrame, encodeFrame, FrameType, MAX_DATA_PAYLOAD, type Frame } from '../../src/protocol/frame';
import { Hub } from '../../src/relay/hub';
import { RelayMetrics } from '../../src/relay/metrics';
import { Peer, type PeerIdentity } from '../../src/relay/peer';
import { Router, type RouterContext } from '../../src/relay/router';
import type { Store } from '../../src/relay/store/store';
import type { AuditEntry, DeviceRecord } from '../../src/relay/store/types';

/** A socket that records what the relay sent and never backs up. */
class MemorySocket {
  bufferedAmount = 0;
  readonly sent: Frame[] = [];
  closedWith?: number;
  send(data: Buffer, cb: (err?: Error) => void): void {
    const d = decodeFrame(Buffer.from(data));
    assert.ok(d.ok, 'the relay sent a frame that does not decode');
    this.sent.push(d.frame);
    cb();
  }
  close(code: number): void {
    this.closedWith = code;
  }
  terminate(): void {}
  ping(): void {}
}

const record = (name: string): DeviceRecord => ({
  name,
  publicKey: `${name}-key`,
  tags: {},
  firmwareVersion: null,
  buildId: null,
  board: null,
  rssi: null,
  uptime: null,
  lastSeen: null,
  createdAt: '',
});

function peer(identity: PeerIdentity): { peer: Peer; socket: MemorySocket } {
  const socket = new MemorySocket();
  return { peer: new Peer(identity, socket as unknown as WebSocket, '127.0.0.1'), socket };
}

const raw = (frame: Frame): Buffer => encodeFrame(frame);

describe('Router', () => {
  let hub: Hub;
  let router: Router;
  let audit: Omit<AuditEntry, 'time'>[];
  let disconnected: [string, CloseCode][];
  let dev: ReturnType<typeof peer>;
  let op: ReturnType<typeof peer>;

  const known = new Set(['pump', 'sleeper']);
  const store = {
    devices: { byName: async (n: string) => (known.has(n) ? record(n) : undefined) },
  } as unknown as Store;

  beforeEach(() => {
    hub = new Hub();
    audit = [];
    disconnected = [];
    const ctx: RouterContext = {
      store,
      hub,
      log: silentLogger,
      metrics: new RelayMetrics({
        connectedDevices: () => 0,
        connectedOperators: () => 0,
        openChannels: () => router.openCounts(),
        pendingChallenges: () => 0,
      }),
      disconnect: (p, code) => {
        disconnected.push([p.name, code]);
        p.close(code);
        router.teardown(p);
      },
      audit: (e) => audit.push(e),
    };
    router = new Router(ctx);
    dev = peer({ kind: 'device', name: 'pump', publicKey: 'pump-key', device: record('pump'), keepaliveSec: 600 });
    op = peer({ kind: 'operator', name: 'ann', publicKey: 'ann-key', role: 'debugger' });
    hub.add(dev.peer);
    hub.add(op.peer);
  });

  /** Opens `kind` from the operator on `id` and accepts it at the device; returns the device-side id. */
  function openAccepted(id: number, kind: 'rsp' | 'logs' = 'rsp'): number {
    router.open(op.peer, id, { kind, device: 'pump', e2e: { x: 1 } });
    const opened = dev.socket.sent.at(-1)!;
    assert.equal(opened.type, FrameType.OPEN);
    router.openOk(dev.peer, opened.channel, {}, raw({ type: FrameType.OPEN_OK, channel: opened.channel, json: {} }));
    return opened.channel;
  }

  it('forwards an OPEN to the device on an id of its own connection, naming the operator and passing e2e through', () => {
    router.open(op.peer, 5, { kind: 'rsp', device: 'pump', e2e: { x25519: 'k', sig: 's' } });
    const opened = dev.socket.sent[0];
    assert.ok(opened.type === FrameType.OPEN);
    assert.deepEqual(opened.json, {
      kind: 'rsp',
      operator: 'ann',
      operatorKey: 'ann-key',
      e2e: { x25519: 'k', sig: 's' },
    });
    router.openOk(
      dev.peer,
      opened.channel,
      { e2e: { y: 2 } },
      raw({ type: FrameType.OPEN_OK, channel: opened.channel, json: { e2e: { y: 2 } } }),
    );
    assert.deepEqual(op.socket.sent[0], { type: FrameType.OPEN_OK, channel: 5, json: { e2e: { y: 2 } } });
    assert.deepEqual(audit, [{ actor: 'ann', action: 'open', device: 'pump', channelKind: 'rsp', result: 'ok' }]);
    assert.deepEqual(router.openCounts(), { rsp: 1, console: 0, logs: 0, ota: 0 });
  });

  it('rewrites ids both ways and leaves payloads untouched', () => {
    const devId = openAccepted(9);
    router.data(op.peer, 9, 3, raw({ type: FrameType.DATA, channel: 9, data: Buffer.from('abc') }));
    router.data(dev.peer, devId, 2, raw({ type: FrameType.DATA, channel: devId, data: Buffer.from('OK') }));
    router.credit(dev.peer, devId, 100, raw({ type: FrameType.CREDIT, channel: devId, bytes: 100 }));
    assert.deepEqual(dev.socket.sent.at(-1), { type: FrameType.DATA, channel: devId, data: Buffer.from('abc') });
    assert.deepEqual(op.socket.sent.slice(-2), [
      { type: FrameType.DATA, channel: 9, data: Buffer.from('OK') },
      { type: FrameType.CREDIT, channel: 9, bytes: 100 },
    ]);
  });

  it('keeps two channels of one operator apart', () => {
    const a = openAccepted(1);
    const b = openAccepted(3, 'logs');
    assert.notEqual(a, b);
    router.data(dev.peer, b, 1, raw({ type: FrameType.DATA, channel: b, data: Buffer.from('L') }));
    assert.equal(op.socket.sent.at(-1)!.channel, 3);
  });

  it('refuses by role, unknown and offline devices with a channel CLOSE, and audits each', async () => {
    const viewer = peer({ kind: 'operator', name: 'vic', publicKey: 'vic-key', role: 'viewer' });
    router.open(viewer.peer, 1, { kind: 'rsp', device: 'ghost' });
    router.open(op.peer, 1, { kind: 'rsp', device: 'ghost' });
    router.open(op.peer, 3, { kind: 'rsp', device: 'sleeper' });
    await new Promise((r) => setImmediate(r));
    const close = (f: Frame | undefined) => (f?.type === FrameType.CLOSE ? [f.channel, f.code] : f);
    assert.deepEqual(close(viewer.socket.sent[0]), [1, CloseCode.FORBIDDEN]);
    assert.deepEqual(op.socket.sent.map(close), [
      [1, CloseCode.DEVICE_UNKNOWN],
      [3, CloseCode.DEVICE_OFFLINE],
    ]);
    assert.deepEqual(
      audit.map((a) => [a.actor, a.device, a.result]),
      [
        ['vic', 'ghost', 'FORBIDDEN'],
        ['ann', 'ghost', 'DEVICE_UNKNOWN'],
        ['ann', 'sleeper', 'DEVICE_OFFLINE'],
      ],
    );
    assert.equal(dev.socket.sent.length, 0);
  });

  it('drops a sender that exceeds its credit and forwards what it was granted', () => {
    const devId = openAccepted(1);
    const chunk = Buffer.alloc(MAX_DATA_PAYLOAD);
    for (let sent = 0; sent < INITIAL_WINDOW; sent += chunk.length) {
      router.data(op.peer, 1, chunk.length, raw({ type: FrameType.DATA, channel: 1, data: chunk }));
    }
    router.credit(dev.peer, devId, chunk.length, raw({ type: FrameType.CREDIT, channel: devId, bytes: chunk.length }));
    router.data(op.peer, 1, chunk.length, raw({ type: FrameType.DATA, channel: 1, data: chunk }));
    assert.deepEqual(disconnected, []);
    router.data(op.peer, 1, 1, raw({ type: FrameType.DATA, channel: 1, data: Buffer.from('x') }));
    assert.deepEqual(disconnected, [['ann', CloseCode.CREDIT_EXCEEDED]]);
    assert.equal(dev.socket.sent.filter((f) => f.type === FrameType.DATA).length, INITIAL_WINDOW / chunk.length + 1);
  });

  it('closes the far end when a peer goes away, and drops late frames for closed ids', () => {
    const devId = openAccepted(1);
    router.open(op.peer, 3, { kind: 'logs', device: 'pump' });
    router.teardown(dev.peer);
    const closes = op.socket.sent.filter((f) => f.type === FrameType.CLOSE);
    assert.deepEqual(
      closes.map((f) => f.type === FrameType.CLOSE && [f.channel, f.code]),
      [
        [1, CloseCode.DEVICE_OFFLINE],
        [3, CloseCode.DEVICE_OFFLINE],
      ],
    );
    assert.equal(audit.at(-1)!.result, 'DEVICE_OFFLINE', 'the unanswered open is audited');
    router.data(op.peer, 1, 1, raw({ type: FrameType.DATA, channel: 1, data: Buffer.from('late') }));
    router.data(dev.peer, devId, 1, raw({ type: FrameType.DATA, channel: devId, data: Buffer.from('late') }));
    assert.deepEqual(disconnected, []);
    assert.deepEqual(router.openCounts(), { rsp: 0, console: 0, logs: 0, ota: 0 });
  });

  it('closes a connection that sends on a channel it never opened with UNKNOWN_CHANNEL', () => {
    router.data(op.peer, 11, 1, raw({ type: FrameType.DATA, channel: 11, data: Buffer.from('?') }));
    assert.deepEqual(disconnected, [['ann', CloseCode.UNKNOWN_CHANNEL]]);
  });

  it('treats OPEN from a device, a duplicate OPEN_OK and an even operator id as protocol errors', () => {
    const devId = openAccepted(1);
    router.openOk(dev.peer, devId, {}, raw({ type: FrameType.OPEN_OK, channel: devId, json: {} }));
    assert.deepEqual(disconnected.at(-1), ['pump', CloseCode.PROTOCOL_ERROR]);
    router.open(dev.peer, 1, { kind: 'logs', device: 'pump' });
    assert.deepEqual(disconnected.at(-1), ['pump', CloseCode.PROTOCOL_ERROR]);
    const op2 = peer({ kind: 'operator', name: 'bob', publicKey: 'bob-key', role: 'admin' });
    router.open(op2.peer, 2, { kind: 'logs', device: 'pump' });
    assert.deepEqual(disconnected.at(-1), ['bob', CloseCode.PROTOCOL_ERROR]);
  });
});
