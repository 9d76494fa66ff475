// Pipelined software breakpoints at the agent: run in order, and a refusal the stub gives is never hidden from GDB.
import assert from 'node:assert/strict';
import { AccelSession } from '../../../src/agent/rspAccel/accelSession';
import { isQemuStub } from '../../../src/agent/rspAccel/handshake';
import type { StubClient } from '../../../src/agent/rspAccel/stubClient';
import { silentLogger } from '../../../src/common/log';
import { earlyFailureReply, type AccelMessage } from '../../../src/protocol/rspAccel';

/** A stub that refuses breakpoints at the addresses in `refuse` (as a stub that can fail would) and logs requests. */
class RefusingStub {
  readonly sent: string[] = [];
  constructor(private readonly refuse: Set<string>) {}
  request(payload: string): Promise<string[]> {
    this.sent.push(payload);
    const bp = /^[Zz]0,([0-9a-f]+),/.exec(payload);
    if (bp) return Promise.resolve([this.refuse.has(bp[1]) ? 'E22' : 'OK']);
    if (payload.startsWith('vCont;c')) return Promise.resolve(['T05thread:p01.01;']);
    if (payload.startsWith('m')) return Promise.resolve(['00000000']);
    return Promise.resolve(['']);
  }
  async ask(payload: string): Promise<string> {
    return (await this.request(payload))[0];
  }
  interrupt(): void {}
}

function rig(refuse: string[]) {
  const stub = new RefusingStub(new Set(refuse));
  const got: AccelMessage[] = [];
  const session = new AccelSession(stub as unknown as StubClient, (m) => got.push(m), silentLogger);
  const replies = async (n: number): Promise<string[]> => {
    for (let i = 0; i < 100 && got.length < n; i++) await new Promise((r) => setTimeout(r, 1));
    return got.map((m) => (m.t === 'rep' ? m.p[m.p.length - 1] : m.t));
  };
  const req = (p: string, early?: true): void => session.receive({ t: 'req', p, ctx: {}, ...(early ? { early } : {}) });
  return { stub, session, req, replies };
}

describe('agent pipelined breakpoints (early Z0/z0)', () => {
  it('answers the next resume with an error instead of running when an early breakpoint was refused', async () => {
    const r = rig(['dead']);
    r.req('Z0,dead,2', true);
    r.req('m20000000,4');
    r.req('vCont;c:p1.-1');
    const replies = await r.replies(3);
    assert.equal(replies[0], 'E22', "the stub's own answer goes back (the operator side logs it, GDB had OK)");
    assert.equal(replies[1], '00000000', 'reads are not affected');
    assert.equal(replies[2], earlyFailureReply('Z0,dead,2', 'E22'));
    assert.match(replies[2], /^E\.inserting the breakpoint at 0xdead failed at the stub \(E22\)/);
    assert.ok(!r.stub.sent.some((p) => p.startsWith('vCont')), 'the target did not run');
    r.req('vCont;c:p1.-1');
    assert.equal((await r.replies(4))[3], 'T05thread:p01.01;', 'reported once; the resume after it runs');
  });

  it('runs accepted early breakpoints in order ahead of the resume, which then runs', async () => {
    const r = rig([]);
    r.req('z0,100,2', true);
    r.req('vCont;c:p1.-1');
    r.req('Z0,100,2', true);
    const replies = await r.replies(3);
    assert.deepEqual(replies, ['OK', 'T05thread:p01.01;', 'OK']);
    assert.deepEqual(
      r.stub.sent.filter((p) => /^([Zz]0|vCont)/.test(p)),
      ['z0,100,2', 'vCont;c:p1.-1', 'Z0,100,2'],
    );
  });

  it('vouches only for QEMU, which answers its own qqemu.Supported query', () => {
    assert.equal(isQemuStub('sstepbits;sstep;PhyMemMode'), true);
    assert.equal(isQemuStub(''), false, 'OpenOCD, J-Link and others: unknown query');
    assert.equal(isQemuStub('E01'), false);
  });
});
