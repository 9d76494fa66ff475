// One debug session over the link, as VS Code drives it, timing each DAP request: attach to the first stack trace,
// a struct's expansion, `next` ×5, `stepIn` ×3. Runs in the operator's namespace and prints one JSON line.
//
// Usage: node --import tsx bench/support/debugLinkClient.ts JOB.json
// JOB: { "target": { gdbTarget | device + relay + identityFile }, "elf": FILE }. The adapter is the stdio one, run
// from its source entry (src/debug/adapterMain.ts, the entry of dist/debugAdapter.js) so the figures are the tree's,
// never a stale bundle's.
import fs from 'node:fs';
import path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

const root = path.resolve(__dirname, '..', '..');
const sensorC = path.join(root, 'examples', 'u5-sensor', 'src', 'sensor.c');

/** One timed request: wall-clock bounds (epoch ms, shared with the forwarder's packet log). */
export interface TimedRequest {
  name: string;
  start: number;
  end: number;
}

interface Job {
  target: Record<string, unknown>;
  elf: string;
}

/** The line after the reading struct is filled in report(): `rd` is in scope and initialised there. */
function ringPushLine(): number {
  const lines = fs.readFileSync(sensorC, 'utf8').split('\n');
  return lines.findIndex((l) => l.includes('ring_push(&s->ring, &rd);')) + 1;
}

async function session(job: Job): Promise<TimedRequest[]> {
  const timed: TimedRequest[] = [];
  const time = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const start = Date.now();
    const out = await work();
    timed.push({ name, start, end: Date.now() });
    return out;
  };
  const entry = path.join(root, 'src', 'debug', 'adapterMain.ts');
  const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import tsx`.trim() };
  const dc = new DebugClient(process.execPath, entry, 'outpost', { cwd: root, env });
  dc.defaultTimeout = 120_000;
  await dc.start();
  try {
    await dc.initializeRequest();
    const args = { ...job.target, executable: job.elf, stubKind: 'qemu', stopOnEntry: true };
    const attachStart = Date.now();
    await time('attach', () =>
      Promise.all([dc.waitForEvent('initialized'), dc.attachRequest(args as DebugProtocol.AttachRequestArguments)]),
    );
    await time('configurationDone (to stopped)', () =>
      Promise.all([dc.waitForEvent('stopped'), dc.configurationDoneRequest()]),
    );
    await time('threads', () => dc.threadsRequest());
    await time('stackTrace (first)', () => dc.stackTraceRequest({ threadId: 1 }));
    timed.push({ name: 'attach → first stackTrace', start: attachStart, end: Date.now() });

    await dc.setBreakpointsRequest({ source: { path: sensorC }, breakpoints: [{ line: ringPushLine() }] });
    await Promise.all([dc.waitForEvent('stopped'), dc.continueRequest({ threadId: 1 })]);
    const stack = await time('stackTrace', () => dc.stackTraceRequest({ threadId: 1 }));
    const frameId = stack.body.stackFrames[0].id;
    const scopes = await time('scopes', () => dc.scopesRequest({ frameId }));
    const locals = await time('variables (locals)', () =>
      dc.variablesRequest({ variablesReference: scopes.body.scopes[0].variablesReference }),
    );
    const rd = locals.body.variables.find((v) => v.name === 'rd');
    if (!rd || !rd.variablesReference) throw new Error('no expandable `rd` (struct sensor_reading) among the locals');
    await time('variables (struct sensor_reading)', () =>
      dc.variablesRequest({ variablesReference: rd.variablesReference }),
    );
    for (let i = 0; i < 5; i++) {
      await time('next', () => Promise.all([dc.waitForEvent('stopped'), dc.nextRequest({ threadId: 1 })]));
      await time('stackTrace (after step)', () => dc.stackTraceRequest({ threadId: 1 }));
    }
    for (let i = 0; i < 3; i++) {
      await time('stepIn', () => Promise.all([dc.waitForEvent('stopped'), dc.stepInRequest({ threadId: 1 })]));
      await time('stackTrace (after step)', () => dc.stackTraceRequest({ threadId: 1 }));
    }
    await dc.disconnectRequest({});
  } finally {
    await dc.stop();
  }
  return timed;
}

if (require.main === module) {
  const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as Job;
  session(job).then(
    (timed) => {
      process.stdout.write(JSON.stringify(timed) + '\n');
      process.exit(0);
    },
    (err: Error) => {
      process.stderr.write(`debug-link client: ${err.message}\n`);
      process.exit(1);
    },
  );
}
