// The monitor-command interceptor between GDB and a stub: what each side sees, in ack and no-ack mode.
import assert from 'node:assert/strict';
import { REG_PC, REG_SP, REG_XPSR } from '../../../src/debug/rsp/coreReset';
import { MonitorInterceptor, type MonitorPolicy } from '../../../src/debug/rsp/monitorInterceptor';
import { encodePacket, RspParser, toHex } from '../../../src/debug/rsp/packet';

const VECTORS = 0x10000000;
const INITIAL_SP = 0x38200000;
const RESET_HANDLER = 0x10001499; // Thumb bit set, as in a vector table

/**
 * A GDB stub in memory, as far as a reset needs one: memory reads, register writes, optional qRcmd support,
 * acks until QStartNoAckMode. Anything else it answers with the empty reply (unsupported).
 */
class MemoryStub {
  readonly registers = new Map<number, number>();
  readonly received: string[] = [];
  noAck = false;
  refuseWrites = false;
  private readonly parser = new RspParser();
  constructor(
    private readonly send: (data: Buffer) => void,
    private readonly monitor?: (text: string) => string,
  ) {}

  feed(chunk: Buffer): void {
    for (const e of this.parser.push(chunk)) {
      if (e.type === 'ack') this.received.push('+');
      if (e.type !== 'packet') continue;
      this.received.push(e.payload);
      if (!this.noAck) this.send(Buffer.from('+'));
      this.send(encodePacket(this.reply(e.payload)));
      if (e.payload === 'QStartNoAckMode') this.noAck = true;
    }
  }

  private reply(p: string): string {
    if (p === 'QStartNoAckMode') return 'OK';
    if (p === 'me000ed08,4') return word(VECTORS);
    if (p === `m${VECTORS.toString(16)},8`) return word(INITIAL_SP) + word(RESET_HANDLER);
    const write = /^P([0-9a-f]+)=([0-9a-f]{8})$/.exec(p);
    if (write) {
      if (this.refuseWrites) return 'E01';
      this.registers.set(parseInt(write[1], 16), Buffer.from(write[2], 'hex').readUInt32LE());
      return 'OK';
    }
    if (p.startsWith('qRcmd,') && this.monitor) {
      return this.monitor(Buffer.from(p.slice(6), 'hex').toString());
    }
    if (p === 'g') return '00'.repeat(8);
    return '';
  }
}

function word(n: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b.toString('hex');
}

/** GDB, the interceptor and the stub wired together synchronously; `client` is everything GDB received. */
function session(policy: MonitorPolicy, monitor?: (text: string) => string) {
  const client: string[] = [];
  const stub: MemoryStub = new MemoryStub((d) => interceptor.fromStub(d), monitor);
  const interceptor: MonitorInterceptor = new MonitorInterceptor(policy, {
    toStub: (d) => stub.feed(d),
    toClient: (d) => client.push(d.toString('latin1')),
  });
  const gdb = (text: string): void => interceptor.fromClient(Buffer.from(text, 'latin1'));
  return { client, stub, gdb, interceptor };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
const rcmd = (text: string): string => encodePacket('qRcmd,' + toHex(text)).toString();

describe('monitor interceptor', () => {
  it('passes ordinary traffic through unchanged, byte for byte', () => {
    const { client, stub, gdb } = session('answer');
    gdb('+$g#67');
    assert.deepEqual(stub.received, ['+', 'g']);
    assert.equal(client.join(''), '+' + encodePacket('00'.repeat(8)).toString());
  });

  it('answers monitor reset halt for a stub without it: SP, PC and xPSR from the vector table, then OK', async () => {
    const { client, stub, gdb } = session('answer');
    gdb(rcmd('reset halt'));
    await settle();
    assert.equal(client.join(''), '+$OK#9a');
    assert.deepEqual(stub.received.filter((p) => p !== '+').slice(0, 2), ['me000ed08,4', 'm10000000,8']);
    assert.equal(stub.registers.get(REG_SP), INITIAL_SP);
    assert.equal(stub.registers.get(REG_PC), RESET_HANDLER & ~1, 'PC without the Thumb bit');
    assert.equal(stub.registers.get(REG_XPSR), 0x01000000);

    // GDB's ack of our OK is ours: the stub must not see an ack it never asked for.
    const before = stub.received.length;
    gdb('+');
    assert.equal(stub.received.length, before);
  });

  it('answers monitor halt and monitor init at once, without talking to the stub', async () => {
    for (const command of ['halt', 'init']) {
      const { client, stub, gdb } = session('answer');
      gdb(rcmd(command));
      await settle();
      assert.equal(client.join(''), '+$OK#9a', command);
      assert.deepEqual(stub.received, []);
    }
  });

  it('forwards monitor commands it does not know (QEMU has its own, e.g. info registers)', () => {
    const { stub, gdb } = session('answer');
    gdb(rcmd('info registers'));
    assert.deepEqual(stub.received, ['qRcmd,' + toHex('info registers')]);
  });

  it('sends no acks of its own once GDB and the stub agreed on no-ack mode', async () => {
    const { client, stub, gdb } = session('answer');
    gdb('$QStartNoAckMode#b0');
    gdb('+');
    client.length = 0;
    gdb(rcmd('reset halt'));
    await settle();
    assert.equal(client.join(''), '$OK#9a');
    assert.ok(!stub.received.slice(2).includes('+'), 'no acks to the stub either');
    assert.equal(stub.registers.get(REG_PC), RESET_HANDLER & ~1);
  });

  it('holds what GDB sends while it answers, and forwards it afterwards in order', async () => {
    const { client, stub, gdb } = session('answer');
    gdb(rcmd('reset') + '$g#67');
    assert.ok(!stub.received.includes('g'), 'g waits for the reset to finish');
    await settle();
    assert.equal(stub.received[stub.received.length - 1], 'g');
    assert.match(client.join(''), /^\+\$OK#9a\+\$0+#[0-9a-f]{2}$/);
  });

  it('leaves a stub that does monitor commands itself alone (fallback policy)', async () => {
    const { client, stub, gdb } = session('fallback', (text) => (text === 'reset halt' ? 'OK' : ''));
    gdb(rcmd('reset halt'));
    await settle();
    assert.deepEqual(stub.received, ['qRcmd,' + toHex('reset halt')]);
    assert.equal(client.join(''), '+$OK#9a');
    assert.equal(stub.registers.size, 0);
  });

  it('answers itself when the stub replies that it does not know qRcmd (fallback policy)', async () => {
    const { client, stub, gdb } = session('fallback');
    gdb(rcmd('reset halt'));
    await settle();
    assert.equal(client.join(''), '+$OK#9a', 'the stub’s empty reply never reaches GDB');
    assert.equal(stub.registers.get(REG_SP), INITIAL_SP);
  });

  it('tells GDB why when the stub refuses the reset, and GDB gets an error reply', async () => {
    const { client, stub, gdb } = session('answer');
    stub.refuseWrites = true;
    gdb(rcmd('reset halt'));
    await settle();
    const packets = new RspParser().push(Buffer.from(client.join(''), 'latin1'));
    const payloads = packets.flatMap((e) => (e.type === 'packet' ? [e.payload] : []));
    assert.equal(payloads.length, 2);
    assert.match(Buffer.from(payloads[0].slice(1), 'hex').toString(), /monitor reset halt failed: .*register write/);
    assert.equal(payloads[1], 'E01');
  });

  it('works when every byte arrives in its own chunk', async () => {
    const { client, stub, interceptor } = session('answer');
    for (const byte of Buffer.from(rcmd('reset halt'))) interceptor.fromClient(Buffer.from([byte]));
    await settle();
    assert.equal(client.join(''), '+$OK#9a');
    assert.equal(stub.registers.get(REG_SP), INITIAL_SP);
  });
});
