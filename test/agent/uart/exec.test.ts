// The framed exec protocol against a scripted console: tags, exit codes, interleaved logs, timeouts.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { TargetError } from '../../../src/agent/targets/errors';
import { execCommand } from '../../../src/agent/uart/execClient';
import { frameRequest, isReplyLine, parseReplyLine, SOH } from '../../../src/agent/uart/execFraming';

// A console that answers framed requests the way examples/u5-sensor does, with log lines mixed in.
class ScriptedConsole extends EventEmitter {
  readonly written: string[] = [];
  constructor(private readonly answer: (tag: string, command: string) => string | undefined) {
    super();
  }
  write(data: string | Buffer): void {
    const text = data.toString();
    this.written.push(text);
    const m = text.startsWith(SOH) ? /^@(\S+) (.*)\n$/.exec(text.slice(1)) : null;
    if (!m) return;
    const reply = this.answer(m[1]!, m[2]!);
    if (reply === undefined) return;
    // Deliver in awkward pieces, as a UART does.
    const bytes = Buffer.from(reply);
    setImmediate(() => {
      for (let i = 0; i < bytes.length; i += 7) this.emit('data', bytes.subarray(i, i + 7));
    });
  }
}

describe('console exec', () => {
  it('frames a request and parses tagged replies', () => {
    assert.equal(frameRequest('a1', 'get busy'), '\x01@a1 get busy\n');
    assert.deepEqual(parseReplyLine('@a1 busy 0'), { tag: 'a1', text: 'busy 0' });
    assert.deepEqual(parseReplyLine('@a1 #end 127'), { tag: 'a1', exitCode: 127 });
    assert.equal(parseReplyLine('I: reading #1'), undefined);
    assert.equal(isReplyLine('@x7 version 1.0.0'), true);
    assert.equal(isReplyLine('E: @x7 is not a reply'), false);
  });

  it('returns the output without tags and the exit code, ignoring logs and other replies', async () => {
    const port = new ScriptedConsole(
      (tag) => `I: reading #4\r\n@${tag} interval_ms 250\r\n@other stray\r\n> \r\x1b[KW: hot\r\n@${tag} #end 0\r\n> `,
    );
    const result = await execCommand(port, 'set interval_ms 250');
    assert.deepEqual(result, { output: 'interval_ms 250\n', exitCode: 0 });
    assert.equal(port.listenerCount('data'), 0, 'exec left a listener behind');
  });

  it('passes the firmware exit code through', async () => {
    const port = new ScriptedConsole(
      (tag, cmd) => `@${tag} unknown command '${cmd}' (try 'help')\r\n@${tag} #end 127\r\n`,
    );
    const result = await execCommand(port, 'frobnicate');
    assert.equal(result.exitCode, 127);
    assert.equal(result.output, "unknown command 'frobnicate' (try 'help')\n");
  });

  it('gives concurrent requests distinct tags and each its own reply', async () => {
    const port = new ScriptedConsole((tag, cmd) => `@${tag} ${cmd.toUpperCase()}\r\n@${tag} #end 0\r\n`);
    const [a, b] = await Promise.all([execCommand(port, 'alpha'), execCommand(port, 'beta')]);
    assert.equal(a.output, 'ALPHA\n');
    assert.equal(b.output, 'BETA\n');
  });

  it('times out with EXEC_TIMEOUT when no #end comes, keeping what arrived as detail', async () => {
    const port = new ScriptedConsole((tag) => `@${tag} partial\r\n`);
    await assert.rejects(execCommand(port, 'version', { timeoutMs: 200 }), (err: unknown) => {
      assert.ok(err instanceof TargetError);
      assert.equal(err.code, 'EXEC_TIMEOUT');
      assert.equal(err.detail, 'partial');
      return true;
    });
    assert.equal(port.listenerCount('data'), 0);
  });

  it('refuses a command that is not one printable line, sending nothing', async () => {
    const port = new ScriptedConsole(() => undefined);
    for (const bad of ['', 'reboot\nfault', 'x'.repeat(101), 'get\x03']) {
      await assert.rejects(
        execCommand(port, bad),
        (err: unknown) => err instanceof TargetError && err.code === 'BAD_COMMAND',
      );
    }
    assert.deepEqual(port.written, []);
  });
});
