// The emulated link as tests and benchmarks use it: real namespaces, real packets, delay, cuts and clean-up.
import assert from 'node:assert/strict';
import { execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { LINK_PROBE, type RttReport } from './linkProbe';
import { EmulatedLink, linkSupport, NETEM_SCRIPT, uniqueLinkName } from './netem';

const ECHO_PORT = 7007;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const namespaces = () => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });

describe('emulated link (scripts/netem.sh, test/support/netem.ts)', function () {
  this.timeout(60_000);
  let link: EmulatedLink | undefined;
  let echo: ChildProcess | undefined;

  const probe = async (count: number, waitMs = 1000): Promise<RttReport> => {
    const r = await link!.exec('a', process.execPath, [
      '--import',
      'tsx',
      LINK_PROBE,
      'rtt',
      link!.b.address,
      String(ECHO_PORT),
      String(count),
      String(waitMs),
    ]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as RttReport;
  };

  before(async function () {
    const support = linkSupport();
    if (!support.ok) this.skip();
    link = await EmulatedLink.up({ delayMs: 60 });
    echo = link.spawn('b', process.execPath, ['--import', 'tsx', LINK_PROBE, 'echo', link.b.address, `${ECHO_PORT}`]);
    await new Promise<void>((resolve, reject) => {
      let out = '';
      echo!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('echo listening')) resolve();
      });
      echo!.once('exit', (code) => reject(new Error(`echo exited ${code}`)));
    });
  });
  after(async () => {
    await link?.down();
  });

  it('delays each direction: the round trip is twice the delay', async () => {
    const r = await probe(7);
    assert.equal(r.rttMs.length, 7);
    const rtt = median(r.rttMs);
    assert.ok(rtt >= 118 && rtt < 200, `median RTT ${rtt} ms for a 60 ms link`);
  });

  it('changes the link mid-run', async () => {
    await link!.set({ delayMs: 15 });
    const rtt = median((await probe(5)).rttMs);
    assert.ok(rtt >= 29 && rtt < 100, `median RTT ${rtt} ms for a 15 ms link`);
    await link!.set({ delayMs: 60 });
  });

  it('a cut (100 % loss) stops traffic and a restore brings it back', async () => {
    await link!.cut('loss');
    assert.equal((await probe(5)).rttMs.length, 0);
    await link!.restore();
    const after = await probe(5);
    assert.equal(after.rttMs.length, 5);
    assert.ok(median(after.rttMs) >= 118, 'the restored link has its delay back');
  });

  it('a cut (link down) stops traffic and a restore brings it back', async () => {
    await link!.cut('down');
    assert.equal((await probe(5)).rttMs.length, 0);
    await link!.restore();
    assert.equal((await probe(5)).rttMs.length, 5);
  });

  it('keeps its traffic inside the two namespaces', async () => {
    const routes = await link!.exec('a', 'ip', ['-4', 'route', 'show']);
    assert.equal(routes.stdout.trim().split('\n').length, 1, routes.stdout);
    assert.match(routes.stdout, /^10\.77\.0\.0\/30 dev link0/);
    const host = execFileSync('ip', ['-4', 'addr', 'show'], { encoding: 'utf8' });
    assert.doesNotMatch(host, /10\.77\.0\./, 'the host has no address on the link');
  });

  it('is idempotent: up again keeps the link, down twice is fine, and down removes the namespaces', async () => {
    const name = uniqueLinkName('nt');
    const run = (...args: string[]) => promisify(execFile)('bash', [NETEM_SCRIPT, ...args]);
    await run('up', name, '--delay', '5ms');
    await run('up', name, '--delay', '5ms');
    assert.match(namespaces(), new RegExp(`^${name}-a\\b`, 'm'));
    assert.match((await run('show', name)).stdout, /delay 5ms/);
    await run('down', name);
    await run('down', name);
    assert.doesNotMatch(namespaces(), new RegExp(name));
  });

  it('says in one line what is wrong with a command, and as a non-root user that it needs root', async () => {
    const fails = async (args: string[], uid?: number) => {
      try {
        await promisify(execFile)(uid === undefined ? 'bash' : 'setpriv', [
          ...(uid === undefined ? [] : [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', 'bash']),
          NETEM_SCRIPT,
          ...args,
        ]);
      } catch (err) {
        return err as { code: number; stderr: string };
      }
      assert.fail(`netem.sh ${args.join(' ')} succeeded`);
    };
    const bad = await fails(['up', 'nt-x', '--loss', 'lots']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^netem: bad --loss .*"lots"$/m);
    const notUp = await fails(['cut', uniqueLinkName('nt')]);
    assert.equal(notUp.code, 1);
    assert.match(notUp.stderr, /^netem: link nt-\S+ is not up: run scripts\/netem.sh up/);
    const notRoot = await fails(['up', 'nt-x'], 65534);
    assert.equal(notRoot.code, 1);
    assert.match(notRoot.stderr, /^netem: needs root/);
  });
});
