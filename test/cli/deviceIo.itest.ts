// `outpost exec`, `console` and `logs` against a real `outpost sim` through a real relay, each a separate process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { isolatedEnv, outpostCli } from '../helpers/outpostCli';
import { SimFleet } from './simFleet';

const READING = /I: reading #(\d+) /;

/** The reading numbers in `outpost logs` output, in the order printed. */
function readings(stdout: string): number[] {
  return stdout
    .split('\n')
    .map((l) => READING.exec(l)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
}

/** Runs `script` so the command gets a real terminal; `steps` answer what it prints with what to type. */
function inTerminal(
  command: string,
  steps: { after: string; type: string }[],
): Promise<{ output: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: isolatedEnv(), stdio: 'pipe' });
    let output = '';
    let next = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`terminal session stalled; output so far: ${JSON.stringify(output)}`));
    }, 30_000);
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString('latin1');
      while (next < steps.length && output.includes(steps[next].after)) child.stdin.write(steps[next++].type);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ output, code });
    });
  });
}

describe('outpost exec, console and logs (relay, sim and CLI as separate processes)', function () {
  let fleet: SimFleet;
  let cli: string;

  before(async () => {
    fleet = await new SimFleet().start();
    cli = await outpostCli();
    await fleet.onlineSim('sensor');
    const idleKey = await fleet.newKey('idle.key');
    assert.equal((await fleet.admin('device', 'add', 'idle', '--pubkey', idleKey)).code, 0);
  });
  after(async () => {
    await fleet?.close();
  });

  it('exec prints the firmware’s answer and exits with its exit code', async () => {
    const version = await fleet.admin('exec', 'sensor', '--', 'version');
    assert.equal(version.code, 0, version.stderr);
    assert.equal(
      version.stdout,
      `app u5-sensor\nversion 1.0.0\nbuild-id ${fleet.firmware.buildId}\nboard stm32u5-sim\n`,
      'only the reply: log lines printed meanwhile are not mixed in',
    );
    const unknown = await fleet.admin('exec', 'sensor', '--', 'get', 'no_such_variable');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stdout, /no_such_variable/);
    const bogus = await fleet.admin('exec', 'sensor', '--', 'frobnicate');
    assert.equal(bogus.code, 127);
    assert.equal(bogus.stdout, "unknown command 'frobnicate' (try 'help')\n");
  });

  it('console with piped input runs the commands and prints the output', async () => {
    const child = spawn(
      process.execPath,
      [cli, 'console', 'sensor', '--relay', fleet.relay.url, '--key', fleet.relay.adminKey],
      { env: isolatedEnv(), stdio: 'pipe' },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stdin.end('get interval_ms\r');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0);
    assert.match(stdout, /^interval_ms \d+\r$/m);
  });

  it('console on a terminal: keys go through raw, Ctrl-] quits and the terminal is restored', async () => {
    const console = `${process.execPath} ${cli} console sensor --relay ${fleet.relay.url} --key ${fleet.relay.adminKey}`;
    const { output, code } = await inTerminal(`stty -g; ${console}; echo "exit=$?"; stty -g`, [
      { after: 'Ctrl-] quits', type: 'version\r' },
      { after: 'board stm32u5-sim', type: '\x1d' },
    ]);
    assert.equal(code, 0);
    assert.match(output, /exit=0/);
    const typed = output.slice(output.indexOf('Ctrl-] quits'), output.indexOf('app u5-sensor'));
    assert.equal(typed.split('version').length - 1, 1, 'the firmware echoes; the terminal did not (raw mode)');
    const [before, after] = output.match(/^[0-9a-f]+(:[0-9a-f]+){10,}\r?$/gm) ?? [];
    assert.ok(before, output);
    assert.equal(after, before, 'terminal settings restored on exit');
  });

  it('logs prints timestamped lines, or one JSON object per line with --json', async () => {
    const text = await fleet.admin('logs', 'sensor', '--tail', '3');
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    for (const line of lines) assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \S/);
    const json = await fleet.admin('logs', 'sensor', '--tail', '2', '--json');
    const objects = json.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; time: string; level?: string; text: string });
    assert.equal(objects.length, 2);
    assert.equal(objects[1].seq, objects[0].seq + 1);
    assert.ok(objects.every((o) => !Number.isNaN(Date.parse(o.time)) && typeof o.text === 'string'));
  });

  it('logs --follow streams, and after the relay is killed and restarted shows the lines printed meanwhile, in order, once', async () => {
    const follower = await fleet.background(['logs', 'sensor', '--follow']);
    await follower.waitFor(/reading #\d+ [^]*reading #\d+ /, 30_000);
    const beforeKill = readings(follower.stdout()).at(-1)!;
    await fleet.killAndRestartRelay(async () => {
      // While the relay is down the firmware keeps printing; wait for a few readings' worth.
      await new Promise((r) => setTimeout(r, 4000));
    });
    const after = await follower.waitFor(new RegExp(`reading #${beforeKill + 6} `), 90_000);
    assert.ok(after);
    // Printed before the replayed lines, but on stderr, which this process may read after stdout.
    await follower.waitForStderr(/log stream of sensor interrupted .*; reconnecting/, 10_000);
    await follower.waitForStderr(/log stream of sensor resumed/, 10_000);
    const seen = readings(follower.stdout());
    const first = seen[0];
    assert.deepEqual(
      seen,
      seen.map((_, i) => first + i),
      `every reading once, in order: ${seen.join(' ')}`,
    );
    assert.equal(await follower.stop('SIGINT'), 0);
  });

  it('says which device is unknown or offline, with a non-zero exit', async () => {
    const unknown = 'outpost: no device named "ghost" on this relay (see: outpost devices)\n';
    const offline = 'outpost: device "idle" is offline: its agent is not connected to the relay\n';
    for (const args of [
      ['exec', 'ghost', '--', 'version'],
      ['logs', 'ghost'],
      ['console', 'ghost'],
    ]) {
      const r = await fleet.admin(...args);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stderr, unknown);
    }
    for (const args of [
      ['exec', 'idle', '--', 'version'],
      ['console', 'idle'],
    ]) {
      const r = await fleet.admin(...args);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stderr, offline);
    }
    const noCommand = await fleet.admin('exec', 'sensor');
    assert.equal(noCommand.code, 2);
    assert.equal(noCommand.stderr, 'outpost: missing command: outpost exec sensor -- CMD…\n');
    assert.equal(path.basename(cli), 'outpost.js');
  });
});
