// RSP framing: packets, acks and interrupts out of arbitrary chunks; checksums, escapes, hex and monitor commands.
import assert from 'node:assert/strict';
import { monitorAction, monitorText } from '../../../src/debug/rsp/monitor';
import {
  checksum,
  decodePayload,
  encodePacket,
  errorTextPacket,
  fromHex,
  RspParser,
  toHex,
} from '../../../src/debug/rsp/packet';

describe('RSP framing', () => {
  it('builds packets with the modulo-256 checksum GDB expects', () => {
    assert.equal(encodePacket('OK').toString(), '$OK#9a');
    assert.equal(encodePacket('').toString(), '$#00');
    assert.equal(checksum('qSupported'), '37');
  });

  it('splits a stream into acks, interrupts, packets and notifications, keeping the raw bytes', () => {
    const parser = new RspParser();
    const events = parser.push(Buffer.from('+$qSupported#37\x03-%Stop:T05#xx$OK#00'));
    assert.deepEqual(
      events.map((e) => [e.type, 'payload' in e ? e.payload : undefined, e.raw.toString('latin1')]),
      [
        ['ack', undefined, '+'],
        ['packet', 'qSupported', '$qSupported#37'],
        ['interrupt', undefined, '\x03'],
        ['nack', undefined, '-'],
        ['notification', 'Stop:T05', '%Stop:T05#xx'],
        ['packet', 'OK', '$OK#00'],
      ],
    );
    const packets = events.filter((e) => e.type === 'packet');
    assert.deepEqual(
      packets.map((e) => e.type === 'packet' && e.valid),
      [true, false],
      'a wrong checksum is reported, not dropped',
    );
  });

  it('reassembles a packet fed one byte at a time and knows when it is mid-packet', () => {
    const parser = new RspParser();
    const bytes = Buffer.from('$m10000000,8#5a');
    const seen = [];
    for (let i = 0; i < bytes.length; i++) {
      seen.push(...parser.push(bytes.subarray(i, i + 1)));
      if (i < bytes.length - 1) assert.equal(parser.midPacket, true);
    }
    assert.equal(parser.midPacket, false);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].type === 'packet' && seen[0].payload, 'm10000000,8');
  });

  it('passes bytes that mean nothing in RSP through as noise', () => {
    const events = new RspParser().push(Buffer.from('xy+'));
    assert.deepEqual(
      events.map((e) => [e.type, e.raw.toString()]),
      [
        ['noise', 'xy'],
        ['ack', '+'],
      ],
    );
  });

  it('undoes escapes and run-length encoding in replies', () => {
    assert.equal(decodePayload('0* '), '0'.repeat(4));
    assert.equal(decodePayload('a}\x03b'), 'a#b');
    assert.equal(decodePayload('OK'), 'OK');
  });

  it('writes E.text error replies that cannot break the framing', () => {
    const reply = errorTextPacket('busy: $evil#00 text');
    assert.match(reply.toString(), /^\$E\.busy: {2}evil 00 text#[0-9a-f]{2}$/);
    const [event] = new RspParser().push(reply);
    assert.equal(event.type === 'packet' && event.valid, true);
  });

  it('round-trips hex text and refuses what is not hex', () => {
    assert.equal(toHex('reset halt'), '72657365742068616c74');
    assert.equal(fromHex('72657365742068616c74'), 'reset halt');
    assert.equal(fromHex('7g'), undefined);
    assert.equal(fromHex('123'), undefined);
  });
});

describe('monitor commands', () => {
  it('reads the text of qRcmd packets only', () => {
    assert.equal(monitorText('qRcmd,' + toHex('reset halt')), 'reset halt');
    assert.equal(monitorText('qSupported'), undefined);
  });

  it('knows the commands front ends wait for, whatever the spacing and case', () => {
    assert.equal(monitorAction('reset halt'), 'reset-halt');
    assert.equal(monitorAction('  Reset   Init '), 'reset-halt');
    assert.equal(monitorAction('reset'), 'reset');
    assert.equal(monitorAction('halt'), 'halt');
    assert.equal(monitorAction('init'), 'init');
    assert.equal(monitorAction('system_reset'), undefined);
    assert.equal(monitorAction('reset halt now'), undefined);
  });
});
