// The accelerated rsp channel's message codec: round trips, split chunks, and what it refuses.
import assert from 'node:assert/strict';
import {
  AccelDecoder,
  AccelFormatError,
  accelEnabled,
  encodeAccel,
  MAX_MESSAGE,
  type AccelMessage,
} from '../../src/protocol/rspAccel';

describe('rspAccel codec', () => {
  const messages: AccelMessage[] = [
    { t: 'hello', qSupported: 'qSupported:multiprocess+;swbreak+' },
    { t: 'req', p: 'X38000000,4:\x00\x7d\x03\xff', ctx: { g: 'p1.1', extended: true } },
    { t: 'int' },
    { t: 'rep', p: ['O6869', 'OK'], pre: { q: [['g', '0011']], mem: [[0x38000000, 'deadbeef']] } },
    {
      t: 'bundle',
      q: [['vCont?', 'vCont;c;s;r']],
      docs: [['features:target.xml', '<target/>']],
      pre: { q: [], mem: [] },
    },
  ];

  it('decodes what it encodes, byte by byte as well as in one chunk', () => {
    const wire = Buffer.concat(messages.map(encodeAccel));
    assert.deepEqual(new AccelDecoder().push(wire), messages);
    const decoder = new AccelDecoder();
    const out: AccelMessage[] = [];
    for (const byte of wire) out.push(...decoder.push(Buffer.from([byte])));
    assert.deepEqual(out, messages);
  });

  it('keeps binary RSP payloads (latin1 bytes) intact', () => {
    const [back] = new AccelDecoder().push(encodeAccel(messages[1]));
    assert.equal(back.t === 'req' && Buffer.from(back.p, 'latin1').toString('hex'), '5833383030303030302c343a007d03ff');
  });

  it('refuses malformed messages: not JSON, unknown type, bad memory hex, too long', () => {
    const frame = (text: string): Buffer => {
      const body = Buffer.from(text);
      const head = Buffer.alloc(4);
      head.writeUInt32BE(body.length);
      return Buffer.concat([head, body]);
    };
    assert.throws(() => new AccelDecoder().push(frame('{nope')), AccelFormatError);
    assert.throws(() => new AccelDecoder().push(frame('{"t":"boom"}')), AccelFormatError);
    assert.throws(
      () => new AccelDecoder().push(frame('{"t":"rep","p":["OK"],"pre":{"q":[],"mem":[[1,"xyz"]]}}')),
      AccelFormatError,
    );
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(MAX_MESSAGE + 1);
    assert.throws(() => new AccelDecoder().push(huge), AccelFormatError);
  });

  it('is on unless OUTPOST_RSP_ACCEL=0', () => {
    assert.equal(accelEnabled({}), true);
    assert.equal(accelEnabled({ OUTPOST_RSP_ACCEL: '1' }), true);
    assert.equal(accelEnabled({ OUTPOST_RSP_ACCEL: '0' }), false);
  });
});
