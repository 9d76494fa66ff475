// A device that pins its operators (--operator-key): an operator the relay vouches for but the list does not name is
// refused before the target hears of it; a listed one debugs as usual. Real relay, real agent (in process and as
// `outpost agent`), GDB stub double.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '../../src/agent/agent';
import { GdbServerTarget } from '../../src/agent/targets';
import { writeIdentityFile } from '../../src/common/identityFile';
import { silentLogger } from '../../src/common/log';
import { RelayError } from '../../src/link/errors';
import type { Identity } from '../../src/protocol/identity';
import { startOutpost, type OutpostProcess } from '../helpers/outpostCli';
import { startRelayFixture, type RelayFixture } from '../helpers/relayFixture';
import { FakeStub } from './fakeStub';
import { RspClient } from './rspClient';

describe('agent with --operator-key (real relay, GDB stub double)', function () {
  this.timeout(120_000);
  let fx: RelayFixture;
  let stub: FakeStub;
  let dora: Identity;
  let mallory: Identity;
  let dir: string;
  const agents: Agent[] = [];
  const processes: OutpostProcess[] = [];

  before(async () => {
    fx = await startRelayFixture();
    stub = await FakeStub.start();
    dir = mkdtempSync(join(tmpdir(), 'outpost-opkeys-'));
    dora = await fx.addOperator('dora', 'debugger');
    // An operator the relay vouches for that the device's owner never listed: what a compromised relay can invent.
    mallory = await fx.addOperator('mallory', 'debugger');
  });
  afterEach(async () => {
    for (const a of agents.splice(0)) await a.stop();
    for (const p of processes.splice(0)) await p.stop();
  });
  after(async () => {
    await stub.close();
    await fx.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startAgent(device: string, operatorKeys?: string[]): Promise<void> {
    const identity = await fx.addDevice(device);
    const target = new GdbServerTarget('127.0.0.1', stub.port);
    const agent = new Agent({ relay: fx.url, identity, target, operatorKeys, log: silentLogger });
    agents.push(agent);
    await agent.start();
    await agent.whenConnected();
  }

  async function refusal(p: Promise<unknown>): Promise<RelayError> {
    const err = await p.then(
      () => assert.fail('the channel opened'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof RelayError, String(err));
    assert.equal(err.code, 'CHANNEL_REFUSED', err.message);
    return err;
  }

  it('refuses rsp and console from an operator not listed, and serves a listed one', async () => {
    await startAgent('pinned-ops', [dora.publicKeyText]);
    const before = stub.connections;
    const intruder = await fx.operator(mallory);
    for (const kind of ['rsp', 'console'] as const) {
      const err = await refusal(intruder.openChannel('pinned-ops', kind));
      assert.match(err.message, /operator "mallory" \(….{8}\) is not in this device's --operator-key list$/);
    }
    assert.equal(stub.connections, before, 'the target never heard of the refused operator');

    const owner = await fx.operator(dora);
    const channel = await owner.openChannel('pinned-ops', 'rsp');
    assert.equal(await new RspClient(channel).request('?'), 'S05');
    channel.destroy();
  });

  it('without --operator-key, serves any operator the relay lets through (the registry decides)', async () => {
    await startAgent('open-ops');
    const channel = await (await fx.operator(mallory)).openChannel('open-ops', 'rsp');
    assert.equal(await new RspClient(channel).request('?'), 'S05');
    channel.destroy();
  });

  it('outpost agent --operator-key FILE refuses the others the same way', async () => {
    const identity = await fx.addDevice('cli-ops');
    const keyFile = join(dir, 'device.key');
    writeIdentityFile(keyFile, identity);
    const operators = join(dir, 'operators.txt');
    writeFileSync(operators, `# who may debug this board\n${dora.publicKeyText}\n`);
    const agent = await startOutpost([
      'agent',
      '--relay',
      fx.url,
      '--key',
      keyFile,
      '--target',
      `gdb://127.0.0.1:${stub.port}`,
      '--state',
      join(dir, 'state'),
      '--operator-key',
      operators,
    ]);
    processes.push(agent);
    await agent.waitFor(/agent connected as cli-ops/);
    await refusal((await fx.operator(mallory)).openChannel('cli-ops', 'rsp'));
    const channel = await (await fx.operator(dora)).openChannel('cli-ops', 'rsp');
    assert.equal(await new RspClient(channel).request('?'), 'S05');
    channel.destroy();
  });
});
