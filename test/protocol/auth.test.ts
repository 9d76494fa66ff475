// Upgrade authentication: the signed bytes, header parsing, and every refusal (missing, malformed, wrong key, other relay, replay).
import assert from 'node:assert/strict';
import { authHeaders, authMessage, parseAuthHeaders, verifyAuth, type AuthRequest } from '../../src/protocol/auth';
import { fromBase64url, toBase64url } from '../../src/protocol/base64url';
import { ChallengeBook } from '../../src/protocol/challenges';
import { CloseCode } from '../../src/protocol/closeCodes';
import { verifySignature } from '../../src/protocol/auth';
import { generateIdentity } from '../../src/protocol/identity';

const host = 'relay.example:7600';

function request(headers: Record<string, string | undefined>): AuthRequest {
  const r = parseAuthHeaders(headers);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.value;
}

function refused(headers: Record<string, string | string[] | undefined>, code: CloseCode): void {
  const r = parseAuthHeaders(headers);
  assert.ok(!r.ok, 'should be refused');
  assert.equal(r.code, code, r.reason);
}

describe('auth', () => {
  const id = generateIdentity();
  const book = new ChallengeBook();
  const challenge = () => book.issue(Date.now()).challenge;

  it('signs "outpost-auth-v1\\0" || challenge || publicKey || host', () => {
    const c = new Uint8Array(32).fill(9);
    const m = authMessage(c, id.publicKey, 'h:1');
    assert.equal(m.subarray(0, 16).toString('latin1'), 'outpost-auth-v1\0');
    assert.deepEqual(m.subarray(16, 48), Buffer.from(c));
    assert.deepEqual(m.subarray(48, 80), Buffer.from(id.publicKey));
    assert.equal(m.subarray(80).toString(), 'h:1');
    const headers = authHeaders(id, toBase64url(c), 'h:1');
    const sig = fromBase64url(headers['x-outpost-signature'], 64);
    assert.ok(sig && verifySignature(sig, m, id.publicKey));
  });

  it('accepts a correctly signed upgrade with enrollment', () => {
    const headers = authHeaders(id, challenge(), host, { token: 'tok-1', name: 'dev-7' });
    assert.equal(headers['x-outpost-protocol'], '1');
    const req = request(headers);
    assert.deepEqual(req.enroll, { token: 'tok-1', name: 'dev-7' });
    assert.equal(req.publicKeyText, id.publicKeyText);
    assert.ok(verifyAuth(req, host).ok);
  });

  it('refuses a signature meant for another relay', () => {
    const req = request(authHeaders(id, challenge(), 'evil.example:7600'));
    const r = verifyAuth(req, host);
    assert.ok(!r.ok && r.code === CloseCode.BAD_SIGNATURE);
  });

  it('refuses a signature by another key', () => {
    const other = generateIdentity();
    const headers = authHeaders(other, challenge(), host);
    headers['x-outpost-key'] = id.publicKeyText;
    const r = verifyAuth(request(headers), host);
    assert.ok(!r.ok && r.code === CloseCode.BAD_SIGNATURE);
  });

  it('refuses a tampered signature', () => {
    const headers = authHeaders(id, challenge(), host);
    const sig = fromBase64url(headers['x-outpost-signature'], 64) as Uint8Array;
    sig[10] ^= 1;
    headers['x-outpost-signature'] = toBase64url(sig);
    const r = verifyAuth(request(headers), host);
    assert.ok(!r.ok && r.code === CloseCode.BAD_SIGNATURE);
  });

  it('maps missing and malformed headers to their close codes', () => {
    const good = authHeaders(id, challenge(), host);
    refused({ ...good, 'x-outpost-protocol': undefined }, CloseCode.UNSUPPORTED_VERSION);
    refused({ ...good, 'x-outpost-protocol': '2' }, CloseCode.UNSUPPORTED_VERSION);
    refused({ ...good, 'x-outpost-key': undefined }, CloseCode.AUTH_REQUIRED);
    refused({ ...good, 'x-outpost-signature': undefined }, CloseCode.AUTH_REQUIRED);
    refused({ ...good, 'x-outpost-key': 'AAAA' }, CloseCode.AUTH_REQUIRED);
    refused({ ...good, 'x-outpost-key': [good['x-outpost-key'], good['x-outpost-key']] }, CloseCode.AUTH_REQUIRED);
    refused({ ...good, 'x-outpost-challenge': 'short' }, CloseCode.CHALLENGE_INVALID);
    refused({ ...good, 'x-outpost-signature': 'x'.repeat(86) + '!' }, CloseCode.BAD_SIGNATURE);
    refused({ ...good, 'x-outpost-enroll': '' }, CloseCode.ENROLL_TOKEN_INVALID);
    refused({ ...good, 'x-outpost-enroll': 't', 'x-outpost-name': '../etc' }, CloseCode.PROTOCOL_ERROR);
  });
});

describe('challenge book', () => {
  it('accepts a challenge once, then refuses the replay', () => {
    const book = new ChallengeBook();
    const { challenge, expiresIn } = book.issue(1000);
    assert.equal(expiresIn, 30);
    assert.equal(fromBase64url(challenge, 32)?.length, 32);
    assert.ok(book.consume(challenge, 2000).ok);
    const replay = book.consume(challenge, 2001);
    assert.ok(!replay.ok && replay.code === CloseCode.CHALLENGE_INVALID);
  });

  it('refuses unknown and expired challenges', () => {
    const book = new ChallengeBook();
    assert.equal(book.consume(toBase64url(new Uint8Array(32)), 0).ok, false);
    const { challenge } = book.issue(0);
    const late = book.consume(challenge, 30_001);
    assert.ok(!late.ok && late.code === CloseCode.CHALLENGE_INVALID);
  });

  it('stays bounded: expired entries are swept and the oldest evicted when full', () => {
    const book = new ChallengeBook(3, 1000);
    const first = book.issue(0).challenge;
    book.issue(1);
    book.issue(2);
    book.issue(3);
    assert.equal(book.size, 3);
    assert.equal(book.consume(first, 4).ok, false, 'oldest was evicted');
    book.issue(5000);
    assert.equal(book.size, 1, 'expired entries swept on issue');
  });
});
