// The relay connection manager against a scripted link: subscribe, live events, drops, reconnects, refusals.
import assert from 'node:assert/strict';
import type { DeviceInfo } from '../../src/protocol/control';
import { generateIdentity } from '../../src/protocol/identity';
import { RelayError } from '../../src/link/errors';
import { DeploymentsModel } from '../../src/extension/deploymentsModel';
import { FleetModel } from '../../src/extension/fleetModel';
import {
  ConnectFailed,
  NotConnected,
  RelayConnection,
  type ConnectionClock,
  type ConnectionState,
  type RelayLink,
} from '../../src/extension/relayConnection';
import { deviceInfo } from '../helpers/deviceInfo';

const device = (name: string, online = true): DeviceInfo =>
  deviceInfo(name, {
    online,
    firmwareVersion: '1.0.0',
    buildId: null,
    board: null,
    rssi: -80,
    uptime: 10,
    lastSeen: new Date().toISOString(),
  });

/** A link whose relay answers from a table and whose events and drops the test triggers. */
class ScriptedLink implements RelayLink {
  closed = false;
  requests: string[] = [];
  private events = new Set<(e: string, d: unknown) => void>();
  private closes = new Set<(e: Error) => void>();
  constructor(private readonly answers: Record<string, unknown>) {}
  request(method: string): Promise<unknown> {
    this.requests.push(method);
    const a = this.answers[method];
    if (a instanceof Error) return Promise.reject(a);
    if (a === undefined) return Promise.reject(new RelayError('UNKNOWN_METHOD', `unknown method ${method}`));
    return Promise.resolve(a);
  }
  onEvent(l: (e: string, d: unknown) => void) {
    this.events.add(l);
    return { dispose: () => this.events.delete(l) };
  }
  onClose(l: (e: Error) => void) {
    this.closes.add(l);
    return { dispose: () => this.closes.delete(l) };
  }
  close(): void {
    this.closed = true;
  }
  emit(event: string, data: unknown): void {
    for (const l of this.events) l(event, data);
  }
  drop(err: Error): void {
    for (const l of this.closes) l(err);
  }
  get listenerCount(): number {
    return this.events.size + this.closes.size;
  }
}

/** Timers the test fires by hand. */
class ManualClock implements ConnectionClock {
  pending: Array<{ fn: () => void; ms: number }> = [];
  setTimeout(fn: () => void, ms: number) {
    const t = { fn, ms };
    this.pending.push(t);
    return t;
  }
  clearTimeout(h: unknown) {
    this.pending = this.pending.filter((t) => t !== h);
  }
  backoff(attempt: number) {
    return 1000 * 2 ** attempt;
  }
  fire(): number {
    const t = this.pending.shift();
    assert.ok(t, 'a timer is pending');
    t.fn();
    return t.ms;
  }
}

// Read through a function so TypeScript does not narrow the state across awaits.
const kindOf = (c: RelayConnection): ConnectionState['kind'] => c.state.kind;
const settle = () => new Promise((r) => setImmediate(r));
const identity = generateIdentity();
const answers = (devices: DeviceInfo[]) => ({
  whoami: { name: 'ana', role: 'debugger', kind: 'operator' },
  'fleet.subscribe': { devices },
});

describe('relay connection', () => {
  let fleet: FleetModel;
  let deployments: DeploymentsModel;
  let clock: ManualClock;
  let states: ConnectionState[];
  let links: ScriptedLink[];
  let next: Array<ScriptedLink | Error>;
  let conn: RelayConnection;

  beforeEach(() => {
    fleet = new FleetModel();
    deployments = new DeploymentsModel();
    clock = new ManualClock();
    states = [];
    links = [];
    next = [];
    conn = new RelayConnection(
      async () => {
        const n = next.shift();
        assert.ok(n, 'the test scripted this connection attempt');
        if (n instanceof Error) throw n;
        links.push(n);
        return n;
      },
      fleet,
      deployments,
      clock,
    );
    conn.onDidChangeState((s) => states.push(s));
  });
  afterEach(() => conn.dispose());

  it('connects, subscribes and fills the fleet; says when the relay has no deployments service', async () => {
    next.push(new ScriptedLink(answers([device('a'), device('b', false)])));
    await conn.connect('ws://relay:7600', identity);
    assert.deepEqual(
      states.map((s) => s.kind),
      ['connecting', 'connected'],
    );
    assert.deepEqual(conn.state, {
      kind: 'connected',
      relay: 'ws://relay:7600',
      operator: 'ana',
      role: 'debugger',
      deployments: false,
    });
    assert.deepEqual(fleet.counts(), { online: 1, total: 2 });
    assert.deepEqual(links[0].requests, ['whoami', 'fleet.subscribe', 'deployments.list']);
  });

  it('applies device.updated and device.removed events as they come', async () => {
    next.push(new ScriptedLink(answers([device('a')])));
    await conn.connect('ws://relay:7600', identity);
    links[0].emit('device.updated', { device: device('c') });
    links[0].emit('device.updated', { device: device('a', false) });
    links[0].emit('device.removed', { name: 'c' });
    links[0].emit('device.updated', { nonsense: true });
    assert.deepEqual(
      fleet.all().map((d) => [d.name, d.online]),
      [['a', false]],
    );
  });

  it('loads deployments and follows deployment.updated when the relay has them', async () => {
    next.push(new ScriptedLink({ ...answers([]), 'deployments.list': [{ id: 'd1', state: 'running', devices: [] }] }));
    await conn.connect('ws://relay:7600', identity);
    assert.equal(conn.state.kind === 'connected' && conn.state.deployments, true);
    links[0].emit('deployment.updated', { deployment: { id: 'd1', state: 'paused', devices: [] } });
    assert.equal(deployments.get('d1')?.state, 'paused');
  });

  it('fails the first attempt with a message naming the key, and does not retry a refused identity', async () => {
    next.push(RelayError.fromClose(4013));
    await assert.rejects(conn.connect('ws://relay:7600', identity), (err: unknown) => {
      assert.ok(err instanceof ConnectFailed);
      assert.equal(err.problem.kind, 'identity');
      assert.match(err.message, new RegExp(identity.publicKeyText));
      assert.equal(err.publicKey, identity.publicKeyText);
      return true;
    });
    assert.equal(kindOf(conn), 'failed');
    assert.equal(clock.pending.length, 0);
    await assert.rejects(conn.request('devices.list'), NotConnected);
  });

  it('reconnects after a drop with growing backoff, keeping the last fleet meanwhile', async () => {
    next.push(new ScriptedLink(answers([device('a')])));
    await conn.connect('ws://relay:7600', identity);
    links[0].drop(new RelayError('CONNECTION_LOST', 'connection to the relay lost'));
    assert.equal(kindOf(conn), 'reconnecting');
    assert.equal(fleet.counts().total, 1);
    assert.equal(links[0].listenerCount, 0, 'the dropped link keeps no listeners');

    next.push(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    assert.equal(clock.fire(), 1000);
    await settle();
    assert.equal(kindOf(conn), 'reconnecting');

    next.push(new ScriptedLink(answers([device('a'), device('b')])));
    assert.equal(clock.fire(), 2000);
    await settle();
    assert.equal(kindOf(conn), 'connected');
    assert.equal(fleet.counts().total, 2);

    // A connection that worked resets the backoff.
    links[1].drop(new RelayError('CONNECTION_LOST', 'connection to the relay lost'));
    next.push(new ScriptedLink(answers([])));
    assert.equal(clock.fire(), 1000);
    await settle();
    assert.equal(kindOf(conn), 'connected');
  });

  it('stops when the relay revokes the key while connected', async () => {
    next.push(new ScriptedLink(answers([device('a')])));
    await conn.connect('ws://relay:7600', identity);
    links[0].drop(RelayError.fromClose(4042));
    assert.equal(kindOf(conn), 'failed');
    assert.equal(clock.pending.length, 0);
  });

  it('closes the link, cancels a pending reconnect and forgets the fleet on disconnect', async () => {
    next.push(new ScriptedLink(answers([device('a')])));
    await conn.connect('ws://relay:7600', identity);
    links[0].drop(new RelayError('CONNECTION_LOST', 'lost'));
    assert.equal(clock.pending.length, 1);
    conn.disconnect();
    await settle();
    assert.equal(clock.pending.length, 0);
    assert.equal(kindOf(conn), 'disconnected');
    assert.equal(fleet.counts().total, 0);

    next.push(new ScriptedLink(answers([device('a')])));
    await conn.connect('ws://relay:7600', identity);
    conn.disconnect();
    await settle();
    assert.equal(links[1].closed, true);
  });

  it('closes a link that arrives after the user connected elsewhere', async () => {
    let release!: (l: ScriptedLink) => void;
    const slow = new RelayConnection(() => new Promise<RelayLink>((r) => (release = r)), fleet, deployments, clock);
    const first = slow.connect('ws://old:7600', identity);
    slow.disconnect();
    const late = new ScriptedLink(answers([device('ghost')]));
    release(late);
    await first;
    assert.equal(late.closed, true);
    assert.equal(kindOf(slow), 'disconnected');
    assert.equal(fleet.counts().total, 0);
    slow.dispose();
  });
});
