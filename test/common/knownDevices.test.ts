// Pinned device keys as data: one relay named one way, pins added and forgotten per relay, strict parsing, the change line.
import assert from 'node:assert/strict';
import {
  findPin,
  keyChangedMessage,
  memoryPinStore,
  parseKnownDevices,
  relayScope,
  serializeKnownDevices,
  withoutPin,
  withPin,
} from '../../src/common/knownDevices';
import { generateIdentity } from '../../src/protocol/identity';

const keyA = generateIdentity().publicKeyText;
const keyB = generateIdentity().publicKeyText;

describe('known devices', () => {
  it('names a relay the same way however its URL is written', () => {
    for (const url of ['ws://Relay.example:80/', 'http://relay.example', 'ws://relay.example//']) {
      assert.equal(relayScope(url), 'ws://relay.example');
    }
    assert.equal(relayScope('https://relay.example:443/outpost/'), 'wss://relay.example/outpost');
    assert.equal(relayScope('ws://127.0.0.1:7600'), 'ws://127.0.0.1:7600');
    assert.notEqual(relayScope('ws://127.0.0.1:7600'), relayScope('ws://127.0.0.1:7601'));
    assert.notEqual(relayScope('ws://relay.example'), relayScope('wss://relay.example'));
  });

  it('keeps pins per relay and device, and forgets one without touching the others', () => {
    const at = '2025-03-01T10:00:00.000Z';
    let known = withPin({}, { relay: 'ws://r1:7600/', device: 'sensor-01', publicKey: keyA, firstSeen: at });
    known = withPin(known, { relay: 'ws://r1:7600', device: 'sensor-02', publicKey: keyB, firstSeen: at });
    known = withPin(known, { relay: 'ws://r2:7600', device: 'sensor-01', publicKey: keyB, firstSeen: at });
    assert.equal(findPin(known, 'http://r1:7600', 'sensor-01')?.publicKey, keyA);
    assert.equal(findPin(known, 'ws://r2:7600', 'sensor-01')?.publicKey, keyB);
    assert.equal(findPin(known, 'ws://r3:7600', 'sensor-01'), undefined);

    const forgotten = withoutPin(known, 'ws://r1:7600', 'sensor-01');
    assert.equal(findPin(forgotten, 'ws://r1:7600', 'sensor-01'), undefined);
    assert.equal(findPin(forgotten, 'ws://r1:7600', 'sensor-02')?.publicKey, keyB);
    assert.equal(findPin(forgotten, 'ws://r2:7600', 'sensor-01')?.publicKey, keyB);
    assert.deepEqual(Object.keys(withoutPin(forgotten, 'ws://r2:7600', 'sensor-01')), ['ws://r1:7600']);
  });

  it('reads back exactly what it writes', () => {
    const known = withPin(
      {},
      { relay: 'ws://r1:7600', device: 'a', publicKey: keyA, firstSeen: '2025-03-01T10:00:00Z' },
    );
    const text = serializeKnownDevices(known);
    const parsed = parseKnownDevices(text);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.known, known);
    assert.equal(JSON.parse(text).version, 1);
  });

  it('refuses a file that is not a known devices file, with a one-line reason', () => {
    const cases: [string, RegExp][] = [
      ['{', /not JSON/],
      ['[]', /version 1/],
      ['{"version": 2, "relays": {}}', /version 1/],
      ['{"version": 1, "relays": {"ws://r": []}}', /ws:\/\/r is not an object/],
      ['{"version": 1, "relays": {"ws://r": {"a": {"publicKey": "nope", "firstSeen": "2025-01-01"}}}}', /key of a/],
      [`{"version": 1, "relays": {"ws://r": {"a": {"publicKey": "${keyA}", "firstSeen": "soon"}}}}`, /firstSeen of a/],
    ];
    for (const [text, reason] of cases) {
      const parsed = parseKnownDevices(text);
      assert.ok(!parsed.ok, text);
      assert.match(parsed.reason, reason);
      assert.ok(!parsed.reason.includes('\n'));
    }
  });

  it('says which device, when it was pinned, both keys and what to do, on one line', () => {
    const pin = { relay: 'ws://r1:7600', device: 'sensor-01', publicKey: keyA, firstSeen: '2025-03-01T10:00:00.000Z' };
    const line = keyChangedMessage(pin, keyB);
    assert.equal(
      line,
      `device "sensor-01" presented a different key than the one pinned on 2025-03-01 (pinned …${keyA.slice(-8)}, ` +
        `now …${keyB.slice(-8)}): if sensor-01 was re-enrolled, run \`outpost devices forget sensor-01\` and try ` +
        'again; otherwise the relay may be compromised',
    );
  });

  it('keeps the first key pinned in memory until forgotten', async () => {
    const store = memoryPinStore();
    assert.equal((await store.pin('ws://r1', 'a', keyA)).publicKey, keyA);
    assert.equal((await store.pin('ws://r1', 'a', keyB)).publicKey, keyA, 'a second key does not replace the pin');
    assert.equal((await store.forget('ws://r1', 'a'))?.publicKey, keyA);
    assert.equal((await store.pin('ws://r1', 'a', keyB)).publicKey, keyB);
    assert.deepEqual(
      store.list('ws://r1').map((p) => p.device),
      ['a'],
    );
  });
});
