// Bounded fuzz of the frame decoder: random bytes and mutations of valid frames never make it throw.
import assert from 'node:assert/strict';
import { CloseCode, isCloseCode } from '../../src/protocol/closeCodes';
import {
  closeFrame,
  controlFrame,
  creditFrame,
  dataFrame,
  decodeFrame,
  encodeFrame,
  FrameType,
} from '../../src/protocol/frame';
import { seededRandom } from '../helpers/seededRandom';

const seed = Number(process.env.OUTPOST_FUZZ_SEED ?? 0x5eed1);
const iterations = 4000;

describe('frame decoder fuzz', () => {
  before(() =>
    console.log(`      frame fuzz seed ${seed} (set OUTPOST_FUZZ_SEED to replay), ${iterations} iterations each`),
  );

  const valid = [
    controlFrame({ id: 7, method: 'devices.list', params: {} }),
    encodeFrame({ type: FrameType.OPEN, channel: 1, json: { kind: 'rsp', device: 'd', e2e: { x25519: 'AA' } } }),
    dataFrame(3, Buffer.from('$qSupported:multiprocess+#c6')),
    creditFrame(3, 65536),
    closeFrame(3, CloseCode.E2E_FAILED, 'tampered'),
    encodeFrame({ type: FrameType.PING, channel: 0, timestampUs: 99n, opaque: Buffer.from('abc') }),
  ];

  function check(input: Buffer, label: string): void {
    let r: ReturnType<typeof decodeFrame>;
    try {
      r = decodeFrame(input);
    } catch (e) {
      assert.fail(`decoder threw on ${label} ${input.toString('hex').slice(0, 80)}: ${String(e)}`);
    }
    if (!r.ok) assert.ok(isCloseCode(r.code) && r.reason.length > 0, `untyped rejection on ${label}`);
  }

  it('never throws on random bytes', () => {
    const rnd = seededRandom(seed);
    for (let i = 0; i < iterations; i++) {
      const len = Math.floor(rnd() * (rnd() < 0.05 ? 70000 : 64));
      const buf = Buffer.alloc(len);
      for (let j = 0; j < len; j++) buf[j] = Math.floor(rnd() * 256);
      if (len > 0 && rnd() < 0.5) buf[0] = 1;
      if (len > 1 && rnd() < 0.5) buf[1] = 1 + Math.floor(rnd() * 8);
      check(buf, `random #${i}`);
    }
  });

  it('never throws on mutated valid frames', () => {
    const rnd = seededRandom(seed ^ 0xabcdef);
    let accepted = 0;
    for (let i = 0; i < iterations; i++) {
      const base = valid[i % valid.length];
      let buf = Buffer.from(base);
      const op = Math.floor(rnd() * 4);
      if (op === 0) {
        for (let k = 0; k < 1 + Math.floor(rnd() * 3); k++)
          buf[Math.floor(rnd() * buf.length)] ^= 1 << Math.floor(rnd() * 8);
      } else if (op === 1) {
        buf = buf.subarray(0, Math.floor(rnd() * buf.length));
      } else if (op === 2) {
        const extra = Buffer.alloc(Math.floor(rnd() * 32));
        for (let j = 0; j < extra.length; j++) extra[j] = Math.floor(rnd() * 256);
        buf = Buffer.concat([buf, extra]);
      } else {
        buf[6 + Math.floor(rnd() * Math.max(1, buf.length - 6))] = Math.floor(rnd() * 256);
      }
      check(buf, `mutation #${i}`);
      if (decodeFrame(buf).ok) accepted++;
    }
    // Some mutations (payload bytes of DATA, appended opaque PING bytes) are legitimately valid frames.
    assert.ok(accepted > 0 && accepted < iterations);
  });
});
