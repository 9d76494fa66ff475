// The accelerator against real parts (relay, agent, QEMU, gdb-multiarch), and both ways it falls back to the byte
// pipe: an agent without it (OUTPOST_RSP_ACCEL=0 makes the agent the old byte pipe) and an operator side without it.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent } from '../../../src/agent/agent';
import { GdbServerTarget } from '../../../src/agent/targets';
import { freeLoopbackPort } from '../../../src/agent/targets/freePort';
import { connectGdbSocket } from '../../../src/agent/targets/gdbConnect';
import { createLogger, type Logger } from '../../../src/common/log';
import { openRspTunnel } from '../../../src/debug/tunnel/rspTunnel';
import { encodePacket } from '../../../src/debug/rsp/packet';
import { ACCEL_ENV, ACCEL_HELLO, AccelDecoder, encodeAccel, type AccelMessage } from '../../../src/protocol/rspAccel';
import { runGdb } from '../../agent/helpers/gdb';
import { sampleFirmware } from '../../agent/helpers/firmware';
import { startRelayFixture, type RelayFixture } from '../../helpers/relayFixture';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A logger whose lines are kept, to tell which mode a session ran in. */
function recordingLogger(name: string, lines: string[]): Logger {
  return createLogger(name, (line) => lines.push(line), 'info');
}

describe('RSP accelerator and its fallbacks (real relay, agent, QEMU, gdb)', function () {
  this.timeout(120_000);
  let qemu: ChildProcess;
  let fx: RelayFixture;
  let agent: Agent;
  let elf: string;
  const agentLines: string[] = [];
  const savedEnv = process.env[ACCEL_ENV];

  before(async () => {
    elf = (await sampleFirmware()).elf;
    const port = await freeLoopbackPort();
    qemu = spawn(
      'qemu-system-arm',
      [
        '-M',
        'mps2-an505',
        '-display',
        'none',
        '-monitor',
        'none',
        '-serial',
        'null',
        '-kernel',
        elf,
        '-gdb',
        `tcp:127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; ; i++) {
      const ok = await connectGdbSocket('127.0.0.1', port, 500).then(
        (s) => (s.destroy(), true),
        () => false,
      );
      if (ok) break;
      if (i > 50) throw new Error('QEMU did not start its GDB stub');
      await sleep(100);
    }
    fx = await startRelayFixture();
    const devId = await fx.addDevice('accel-1');
    agent = new Agent({
      relay: fx.url,
      identity: devId,
      target: new GdbServerTarget('127.0.0.1', port),
      log: recordingLogger('agent', agentLines),
    });
    await agent.start();
    await agent.whenConnected();
  });

  after(async () => {
    if (savedEnv === undefined) delete process.env[ACCEL_ENV];
    else process.env[ACCEL_ENV] = savedEnv;
    await agent?.stop();
    await fx?.close();
    qemu?.kill('SIGKILL');
  });

  afterEach(() => {
    if (savedEnv === undefined) delete process.env[ACCEL_ENV];
    else process.env[ACCEL_ENV] = savedEnv;
  });

  /** One GDB session through an operator-side tunnel; resolves with GDB's output and the operator's log lines. */
  async function debugSession(accelerate: boolean): Promise<{ gdb: string; operatorLines: string[] }> {
    const operatorLines: string[] = [];
    const debuggerId = await fx.addOperator(`dora-${Math.random().toString(36).slice(2, 8)}`, 'debugger');
    const operator = await fx.operator(debuggerId);
    const tunnel = await openRspTunnel({
      open: async () => {
        // The agent holds the stub until it has let go of the previous session.
        for (let i = 0; ; i++) {
          try {
            return await operator.openChannel('accel-1', 'rsp');
          } catch (err) {
            if (i > 50) throw err;
            await sleep(100);
          }
        }
      },
      log: recordingLogger('tunnel', operatorLines),
      accelerate,
    });
    try {
      const gdb = await runGdb(elf, tunnel.port, [
        'break sensor_step',
        'continue',
        'next',
        'next',
        'print s->state == s->state',
        'info registers pc',
        'x/2xw $sp',
        'stepi',
        'delete',
        'detach',
      ]);
      return { gdb, operatorLines };
    } finally {
      await tunnel.close();
      operator.close();
    }
  }

  /** What any working session shows: the breakpoint hit, two lines stepped over, registers and memory read. */
  function assertDebugged(gdb: string): void {
    assert.match(gdb, /Breakpoint 1, sensor_step \(/, gdb);
    assert.match(gdb, /^110\s+switch \(s->state\)/m, gdb);
    assert.match(gdb, /^\$1 = 1$/m, gdb);
    assert.match(gdb, /^pc\s+0x1000[0-9a-f]{4}\s+0x1000[0-9a-f]{4} <sensor_step\+\d+>/m, gdb);
    assert.match(gdb, /^0x381fff[0-9a-f]{2}:\s+0x[0-9a-f]{8}\s+0x[0-9a-f]{8}$/m, gdb);
    assert.match(gdb, /Inferior 1 \[?.*detached/i, gdb);
  }

  it('new agent and new operator: accelerated, and GDB debugs as with the stub', async () => {
    const { gdb, operatorLines } = await debugSession(true);
    assertDebugged(gdb);
    assert.ok(
      operatorLines.some((l) => l.includes('accelerated RSP session ended')),
      operatorLines.join('\n'),
    ); // The offer carried GDB's qSupported (version 2): the agent sent the bundle without waiting for a hello.
    assert.ok(
      agentLines.some((l) => l.includes('accelerated RSP session') && /"offer":2/.test(l)),
      agentLines.join('\n'),
    );
  });

  it('old agent (a byte pipe) and new operator: the offer goes unanswered by the stub and bytes flow as they are', async () => {
    process.env[ACCEL_ENV] = '0';
    const { gdb, operatorLines } = await debugSession(true);
    assertDebugged(gdb);
    assert.ok(
      operatorLines.some((l) => l.includes('does not accelerate RSP')),
      operatorLines.join('\n'),
    );
  });

  it('new agent and old operator (no offer): the agent stays a byte pipe', async () => {
    const before = agentLines.filter((l) => l.includes('accelerated RSP session')).length;
    const { gdb, operatorLines } = await debugSession(false);
    assertDebugged(gdb);
    assert.equal(agentLines.filter((l) => l.includes('accelerated RSP session')).length, before);
    assert.ok(!operatorLines.some((l) => l.includes('accelerated')), operatorLines.join('\n'));
  });

  it('new agent and a version-1 operator (the offer, then hello as a message): accelerated, with the reads asked for', async () => {
    const operator = await fx.operator(await fx.addOperator('v1-operator', 'debugger'));
    try {
      const channel = await operator.openChannel('accel-1', 'rsp');
      const decoder = new AccelDecoder();
      let seen = Buffer.alloc(0);
      const bundle = new Promise<AccelMessage>((resolve, reject) => {
        channel.once('close', () => reject(new Error('the channel closed before the bundle')));
        channel.on('data', (chunk: Buffer) => {
          if (seen.length < 7) {
            seen = Buffer.concat([seen, chunk]);
            if (seen.length < 7) return;
            assert.equal(seen.subarray(0, 7).toString(), '+$OK#9a', 'the agent accepts the version-1 offer');
            channel.write(encodeAccel({ t: 'hello', reads: [[0x10000180, 0x24]] }));
            chunk = seen.subarray(7);
          }
          const [first] = decoder.push(chunk);
          if (first) resolve(first);
        });
      });
      channel.write(encodePacket(ACCEL_HELLO));
      const got = await bundle;
      assert.equal(got.t, 'bundle');
      if (got.t !== 'bundle') return;
      assert.ok(
        got.q.some(([k, v]) => k === 'vCont?' && v.endsWith(';r')),
        'range stepping advertised',
      );
      assert.ok(
        got.pre.mem.some(([a, hex]) => a <= 0x10000180 && 0x10000180 + 0x24 <= a + hex.length / 2),
        'the build-id range asked for came with the bundle',
      );
      channel.destroy();
    } finally {
      operator.close();
    }
  });
});
