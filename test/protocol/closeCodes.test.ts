// Close-code table: every code has a message, names round-trip, and upgrade failures map to the contract's HTTP statuses.
import assert from 'node:assert/strict';
import {
  CloseCode,
  closeCodeFromName,
  closeCodeName,
  closeMessage,
  closeMessages,
  httpStatusFor,
  isCloseCode,
} from '../../src/protocol/closeCodes';

const codes = Object.values(CloseCode).filter((v): v is CloseCode => typeof v === 'number');

describe('closeCodes', () => {
  it('has the contract numbering', () => {
    assert.equal(CloseCode.NORMAL, 4000);
    assert.equal(CloseCode.CHALLENGE_INVALID, 4012);
    assert.equal(CloseCode.CHANNEL_REFUSED, 4023);
    assert.equal(CloseCode.E2E_FAILED, 4030);
    assert.equal(CloseCode.RATE_LIMITED, 4060);
    assert.equal(codes.length, 23);
  });

  it('gives every code a one-line message and a name that maps back', () => {
    for (const code of codes) {
      const message = closeMessages[code];
      assert.ok(message.length > 0 && !message.includes('\n'), `message of ${code}`);
      const name = closeCodeName(code);
      assert.ok(name);
      assert.equal(closeCodeFromName(name), code);
    }
  });

  it('treats numbers outside the table as unknown', () => {
    assert.equal(isCloseCode(1006), false);
    assert.equal(closeCodeName(4999), undefined);
    assert.equal(closeCodeFromName('toString'), undefined);
    assert.match(closeMessage(1006), /1006/);
  });

  it('maps upgrade failures to HTTP statuses', () => {
    assert.equal(httpStatusFor(CloseCode.AUTH_REQUIRED), 401);
    assert.equal(httpStatusFor(CloseCode.BAD_SIGNATURE), 401);
    assert.equal(httpStatusFor(CloseCode.ENROLL_TOKEN_INVALID), 401);
    assert.equal(httpStatusFor(CloseCode.NAME_TAKEN), 401);
    assert.equal(httpStatusFor(CloseCode.FORBIDDEN), 403);
    assert.equal(httpStatusFor(CloseCode.DEVICE_UNKNOWN), 403);
    assert.equal(httpStatusFor(CloseCode.RATE_LIMITED), 429);
    assert.equal(httpStatusFor(CloseCode.UNSUPPORTED_VERSION), 400);
    assert.equal(httpStatusFor(CloseCode.RELAY_SHUTDOWN), 400);
  });
});
