// The detach procedure against scripted stub answers: OK, QEMU's stop reply with or without a trailing OK, silence, errors.
import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { detachStub } from '../../src/agent/rspDetach';
import { silentLogger } from '../../src/common/log';

/** A stub that answers each detach (`$D#44`, or the multiprocess `$D;1#b0`) with the next scripted reply (undefined = says nothing). */
class ScriptedStub extends Duplex {
  written = '';
  constructor(private readonly script: (string | undefined)[]) {
    super();
  }
  override _read(): void {}
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.written += chunk.toString('latin1');
    if (/\$D(;1)?#/.test(chunk.toString('latin1'))) {
      const reply = this.script.shift();
      if (reply !== undefined) setTimeout(() => this.push(reply), 1);
    }
    cb();
  }
}

const fast = { replyMs: 60, graceMs: 30, attempts: 3 };
const detaches = (s: ScriptedStub): number => s.written.split('$D#44').length - 1;

describe('detachStub', () => {
  it('stops at the first OK and writes nothing after it', async () => {
    const stub = new ScriptedStub(['+$OK#9a']);
    assert.equal(await detachStub(stub, false, silentLogger, fast), 'detached');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(stub.written, '$D#44');
  });

  it('is not fooled by console output, and still sees the OK after it', async () => {
    const stub = new ScriptedStub(['+$O48656c6c6f#00$OK#9a']);
    assert.equal(await detachStub(stub, false, silentLogger, fast), 'detached');
    assert.equal(detaches(stub), 1);
  });

  it('waits out QEMU’s stop reply for a trailing OK before detaching again', async () => {
    const stub = new ScriptedStub(['$T02thread:01;#04+$OK#9a']);
    assert.equal(await detachStub(stub, false, silentLogger, fast), 'detached');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(detaches(stub), 1, 'no second D to a target that already resumed');
  });

  it('detaches again when the stop reply came alone (the D was eaten as an interrupt)', async () => {
    const stub = new ScriptedStub(['$T02thread:01;#04', '+$OK#9a']);
    assert.equal(await detachStub(stub, false, silentLogger, fast), 'detached');
    assert.equal(detaches(stub), 2);
    assert.ok(!stub.written.includes('+'), 'no acks are written');
  });

  it('retries a stub that says nothing, then gives up', async () => {
    const silent = new ScriptedStub([]);
    assert.equal(await detachStub(silent, false, silentLogger, fast), 'no-answer');
    assert.equal(detaches(silent), 3);
    const late = new ScriptedStub([undefined, '+$OK#9a']);
    assert.equal(await detachStub(late, false, silentLogger, fast), 'detached');
  });

  it('reports an error reply to both forms as refused', async () => {
    const stub = new ScriptedStub(['+$E01#a6', '+$E01#a6']);
    assert.equal(await detachStub(stub, false, silentLogger, fast), 'refused');
    assert.equal(stub.written, '$D#44$D;1#b0');
  });

  it('skips a late answer to the operator’s last request before its own', async () => {
    const stub = new ScriptedStub(['$20000000ff00#ba+$OK#9a']);
    assert.equal(await detachStub(stub, false, silentLogger, fast), 'detached');
    assert.equal(stub.written, '$D#44');
  });

  it('detaches a stub in multiprocess mode, which refuses a plain D (QEMU: E22), with D;1', async () => {
    const stub = new ScriptedStub(['+$E22#ad', '+$OK#9a']);
    assert.equal(await detachStub(stub, false, silentLogger, fast), 'detached');
    assert.equal(stub.written, '$D#44$D;1#b0');
  });

  it('terminates a half-sent operator packet first', async () => {
    const stub = new ScriptedStub(['-+$OK#9a']);
    assert.equal(await detachStub(stub, true, silentLogger, fast), 'detached');
    assert.ok(stub.written.startsWith('#00$D#44'));
  });
});
