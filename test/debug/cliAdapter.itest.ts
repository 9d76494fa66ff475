// `outpost debug-adapter` speaks DAP on stdio like dist/debugAdapter.js, and exits after a disconnect.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { buildAdapter } from './harness';

function frame(msg: object): string {
  const body = JSON.stringify(msg);
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

describe('outpost debug-adapter', function () {
  this.timeout(60_000);

  it('answers initialize with the debugger capabilities and exits 0 after disconnect', async () => {
    const cli = join(dirname(await buildAdapter()), 'outpost.js');
    const child = spawn(process.execPath, [cli, 'debug-adapter'], { stdio: 'pipe' });
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      const responses: Array<Record<string, unknown>> = [];
      const got = (command: string): Promise<Record<string, unknown>> =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no ${command} response; stdout: ${out}`)), 20_000);
          const check = (): void => {
            const r = responses.find((x) => x.command === command);
            if (r) {
              clearTimeout(timer);
              resolve(r);
            } else setTimeout(check, 20);
          };
          check();
        });
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        let m;
        while ((m = /^Content-Length: (\d+)\r\n\r\n/.exec(out)) && out.length >= m[0].length + Number(m[1])) {
          responses.push(JSON.parse(out.slice(m[0].length, m[0].length + Number(m[1]))) as Record<string, unknown>);
          out = out.slice(m[0].length + Number(m[1]));
        }
      });
      child.stdin.write(
        frame({
          seq: 1,
          type: 'request',
          command: 'initialize',
          arguments: { adapterID: 'outpost', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true },
        }),
      );
      const init = await got('initialize');
      assert.equal(init.success, true);
      const caps = init.body as Record<string, unknown>;
      assert.equal(caps.supportsDisassembleRequest, true);
      assert.equal(caps.supportsDataBreakpoints, true);
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      child.stdin.write(frame({ seq: 2, type: 'request', command: 'disconnect', arguments: {} }));
      assert.equal((await got('disconnect')).success, true);
      assert.equal(await exited, 0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
