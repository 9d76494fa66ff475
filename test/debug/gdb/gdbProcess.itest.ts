// The GDB driver against a real gdb-multiarch: answers, GDB errors, a hung command named in the timeout, exits.
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:net';
import { DebugError, ErrorCode } from '../../../src/debug/errors';
import { GdbCommandError, GdbProcess } from '../../../src/debug/gdb/gdbProcess';
import { consoleCommand, targetSelectRemote } from '../../../src/debug/mi/commands/session';

describe('GdbProcess (gdb-multiarch)', function () {
  this.timeout(30_000);
  const started: GdbProcess[] = [];
  const start = async (timeoutMs?: number): Promise<GdbProcess> => {
    const gdb = await GdbProcess.start({ gdbPath: 'gdb-multiarch', timeoutMs });
    started.push(gdb);
    return gdb;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((g) => g.exit()));
  });

  it('answers commands in order with the console text each one printed', async () => {
    const gdb = await start();
    const [a, b] = await Promise.all([
      gdb.send(consoleCommand('echo first\\n')),
      gdb.send(consoleCommand('echo second\\n')),
    ]);
    assert.equal(a.console, 'first\n');
    assert.equal(b.console, 'second\n');
    assert.equal(a.cls, 'done');
  });

  it("turns ^error into a GdbCommandError with GDB's message", async () => {
    const gdb = await start();
    await assert.rejects(gdb.send('-data-evaluate-expression "1 +"'), (e: GdbCommandError) => {
      return (
        e instanceof GdbCommandError &&
        e.code === ErrorCode.GdbCommandFailed &&
        /^A syntax error in expression/.test(e.message)
      );
    });
  });

  it('names the command that hung when GDB does not answer in time', async () => {
    let server: Server | undefined;
    try {
      server = createServer((s) => s.on('data', () => undefined));
      await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
      const port = (server.address() as { port: number }).port;
      const gdb = await start(500);
      await assert.rejects(gdb.send(targetSelectRemote('127.0.0.1', port)), (e: DebugError) => {
        return (
          e.code === ErrorCode.GdbTimeout &&
          e.message === `GDB did not answer \`-target-select extended-remote 127.0.0.1:${port}\` within 0.5 s`
        );
      });
    } finally {
      server?.close();
    }
  });

  it('fails to start with one clear message for a missing or non-GDB program', async () => {
    await assert.rejects(GdbProcess.start({ gdbPath: '/nonexistent/gdb' }), (e: DebugError) => {
      return e.code === ErrorCode.GdbNotFound && e.message === 'cannot run GDB at /nonexistent/gdb: no such file';
    });
    await assert.rejects(GdbProcess.start({ gdbPath: '/bin/true' }), (e: DebugError) => {
      return (
        e.code === ErrorCode.GdbStartFailed && /^\/bin\/true exited before it was ready \(exit code 0\)/.test(e.message)
      );
    });
  });

  it('exits cleanly and refuses commands afterwards', async () => {
    const gdb = await start();
    await gdb.exit();
    assert.equal(gdb.running, false);
    await assert.rejects(gdb.send('-gdb-version'), (e: DebugError) => e.code === ErrorCode.GdbExited);
  });
});
