// Load: a thousand devices on one relay process, fifty of them tunnelling sequence-numbered streams both ways for a minute.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runRelayLoad, type RelayLoadResult } from '../../bench/support/relayLoad';
import { percentile } from '../../bench/support/streamPump';
import { startRelayProcess, type RelayUnderTest } from '../helpers/relayProcess';

const DEVICES = 1000;
const TUNNELS = 50;
const SECONDS = 60;
/**
 * Devices declare the shortest keepalive and the relay checks every 5 s, so a device that misses it is cut off within
 * 20 s, inside the run (operators are pinged after 5 s of silence and cut after 10).
 */
const KEEPALIVE_SEC = 5;

describe('relay under load', function () {
  this.timeout(300_000);
  let relay: RelayUnderTest | undefined;
  let result: RelayLoadResult;

  before(async () => {
    relay = await startRelayProcess({ extraArgs: ['--heartbeat', '5s'], env: { OUTPOST_LOG_LEVEL: 'info' } });
    result = await runRelayLoad(
      { ...relay, pid: relay.process.child.pid! },
      {
        devices: DEVICES,
        tunnels: TUNNELS,
        keepaliveSec: KEEPALIVE_SEC,
        // Paced low enough for two shared cores; bursts beyond the 256 KiB credit window and stalled readers make
        // every tunnel run out of credit and get it back, over and over.
        workload: {
          seconds: SECONDS,
          ratePerStream: 10,
          burst: { everyMs: 20_000, bytes: 320 * 1024 },
          stall: { everyMs: 7_000, ms: 500 },
          drainMs: 60_000,
        },
      },
    );
    const s = result.streams;
    const mib = (b: number) => (b / 2 ** 20).toFixed(1);
    console.log(
      `      ${s.deliveredMessages} messages, ${mib(s.deliveredBytes)} MiB in ${s.sendSeconds.toFixed(0)} s; latency p50 ${percentile(s.latenciesMs, 0.5).toFixed(1)} ms, p99 ${percentile(s.latenciesMs, 0.99).toFixed(1)} ms; relay RSS ${mib(result.relay.rssStartBytes)} → peak ${mib(result.relay.rssPeakBytes)} MiB, CPU ${result.relay.cpuSeconds.toFixed(1)} s; longest client event-loop delay ${result.clientLoopDelayMaxMs.toFixed(0)} ms`,
    );
  });

  afterEach(function () {
    // Who the relay cut off and why is in its log: keep the end of it with a failure.
    if (this.currentTest?.state === 'failed') console.log(relay?.process.stderr().slice(-4000));
  });

  after(async () => {
    await relay?.stop();
    if (relay) fs.rmSync(path.dirname(relay.dataDir), { recursive: true, force: true });
  });

  it('1,000 devices and 50 tunnels for a minute: nothing lost, reordered or duplicated', () => {
    const s = result.streams;
    assert.deepEqual(s.errors, []);
    assert.equal(s.verdicts.length, 2 * TUNNELS);
    for (const v of s.verdicts) {
      assert.ok(v.sent >= SECONDS * 10 * 0.5, `stream ${v.stream} sent only ${v.sent} messages`);
      assert.deepEqual(v, { ...v, received: v.sent, lost: 0, duplicated: 0, reordered: 0, corrupted: 0 });
    }
    assert.equal(result.tunnelsClosedCleanly, TUNNELS, 'every tunnel ends with CLOSE 4000 at both ends');
  });

  it('keeps all 1,000 devices online and every idle device keepalive answered', () => {
    assert.equal(result.devicesConnected, DEVICES);
    assert.deepEqual(result.deviceDrops, []);
    assert.deepEqual(result.wentOffline, []);
    assert.equal(result.onlineAtEnd, DEVICES);
    assert.equal(result.healthzMinDevices, DEVICES);
    const k = result.keepalive;
    assert.equal(k.devices, DEVICES - TUNNELS);
    assert.equal(k.devicesUnanswered, 0, `${k.devicesUnanswered} devices have unanswered keepalive PINGs`);
    assert.ok(k.fewestPongs >= SECONDS / KEEPALIVE_SEC - 2, `a device got only ${k.fewestPongs} PONGs`);
  });
});
