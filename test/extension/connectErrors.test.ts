// Connection failures turned into messages with a next step.
import assert from 'node:assert/strict';
import { RelayError } from '../../src/link/errors';
import { describeConnectError } from '../../src/extension/connectErrors';

const RELAY = 'ws://127.0.0.1:7600';
const KEY = 'kR3x8mVbQ2uY7nD5tP1zL6wH9jF4cA0eS2gB8vN3qXo';

describe('connect errors', () => {
  it('says the relay is unreachable for a refused connection, and that retrying can help', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:7600'), { code: 'ECONNREFUSED' });
    const p = describeConnectError(err, RELAY, KEY);
    assert.equal(p.kind, 'unreachable');
    assert.equal(p.retryable, true);
    assert.match(p.message, /Cannot reach the Outpost relay at ws:\/\/127\.0\.0\.1:7600 \(connection refused\)/);
    assert.match(p.message, /outpost\.relay/);
  });

  it("names the OS reason the link's CONNECTION_FAILED carries, else the link's own words", () => {
    const refused = new RelayError(
      'CONNECTION_FAILED',
      'cannot reach the relay at http://127.0.0.1:7600/v1/challenge: ECONNREFUSED',
    );
    assert.match(describeConnectError(refused, RELAY).message, /at ws:\/\/127\.0\.0\.1:7600 \(connection refused\)\./);
    const notRelay = new RelayError('CONNECTION_FAILED', 'relay answered HTTP 404: Not Found');
    const p = describeConnectError(notRelay, RELAY);
    assert.equal(p.kind, 'unreachable');
    assert.match(p.message, /\(relay answered HTTP 404: Not Found\)\. Check the URL/);
  });

  it('finds the network code through an error cause', () => {
    const cause = Object.assign(new Error('getaddrinfo ENOTFOUND relay.invalid'), { code: 'ENOTFOUND' });
    assert.equal(describeConnectError(new Error('failed', { cause }), RELAY).kind, 'unreachable');
  });

  it('names the public key and the admin command when the relay does not know the identity', () => {
    const p = describeConnectError(RelayError.fromClose(4013), RELAY, KEY);
    assert.equal(p.kind, 'identity');
    assert.equal(p.retryable, false);
    assert.match(p.message, new RegExp(`outpost operator add NAME --pubkey ${KEY} --role debugger`));
  });

  it('does not fight another connection of the same identity', () => {
    const p = describeConnectError(RelayError.fromClose(4041), RELAY);
    assert.equal(p.kind, 'replaced');
    assert.equal(p.retryable, false);
  });

  it('reports anything else with its message', () => {
    const p = describeConnectError(new Error('Unexpected server response: 502'), RELAY);
    assert.equal(p.kind, 'other');
    assert.match(p.message, /Connecting to ws:\/\/127\.0\.0\.1:7600 failed: Unexpected server response: 502/);
  });
});
