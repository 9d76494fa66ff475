// Console, exec and logs over channel streams against the real simulator: what `outpost console`, `exec` and
// `logs` carry once the relay has connected operator and device.
import assert from 'node:assert/strict';
import { handleConsoleChannel } from '../../src/agent/consoleHandler';
import { handleLogsChannel } from '../../src/agent/logsHandler';
import { SimTarget } from '../../src/agent/targets/sim';
import { execCommand } from '../../src/agent/uart/execClient';
import { LogBuffer } from '../../src/agent/uart/logBuffer';
import { readLogs } from '../../src/agent/uart/logsClient';
import type { LogsMessage } from '../../src/agent/uart/logsWire';
import { feedLogBuffer } from '../../src/agent/uartServices';
import { sampleFirmware } from './helpers/firmware';
import { duplexPair } from './uart/duplexPair';
import { waitForLine } from './helpers/uartLines';

describe('UART channels on the simulator', function () {
  let sim: SimTarget;
  let logs: LogBuffer;

  before(async () => {
    sim = new SimTarget({ firmware: (await sampleFirmware()).elf });
    logs = new LogBuffer();
    feedLogBuffer(sim.uart, logs);
    const ready = waitForLine(sim.uart, /\bready\b/);
    await sim.start();
    await ready;
  });
  after(async () => {
    await sim.stop();
  });

  it('runs `exec` through a console channel and gets the output and exit code', async () => {
    const [agentEnd, operatorEnd] = duplexPair();
    handleConsoleChannel(agentEnd, sim);
    const result = await execCommand(operatorEnd, 'get threshold busy');
    assert.deepEqual(result, { output: 'threshold 2800\nbusy 0\n', exitCode: 0 });
    assert.equal((await execCommand(operatorEnd, 'get no_such_var')).exitCode, 1);
    operatorEnd.end();
  });

  it('gives an interactive console: echo, output and the prompt', async () => {
    const [agentEnd, operatorEnd] = duplexPair();
    handleConsoleChannel(agentEnd, sim);
    let screen = '';
    operatorEnd.on('data', (c: Buffer) => (screen += c.toString()));
    const prompt = new Promise<void>((resolve) => {
      const check = (): void => (/board stm32u5-sim\r\n> /.test(screen) ? resolve() : void setTimeout(check, 20));
      check();
    });
    for (const ch of 'version\r') operatorEnd.write(ch); // typed one key at a time
    await prompt;
    assert.match(screen, /version\r\napp u5-sensor\r\nversion 1\.0\.0\r\n/);
    operatorEnd.end();
  });

  it('replays the boot log to a logs reader, then streams, leaving command replies out', async () => {
    const [agentEnd, operatorEnd] = duplexPair();
    handleLogsChannel(agentEnd, logs);
    const messages: LogsMessage[] = [];
    let sawLiveReading: () => void = () => undefined;
    const liveReading = new Promise<void>((resolve) => (sawLiveReading = resolve));
    const done = readLogs(operatorEnd, { from: 1, epoch: logs.epoch }, (m) => {
      messages.push(m);
      if (m.kind === 'line' && /^I: reading #/.test(m.text) && messages.some((x) => x.kind === 'live'))
        sawLiveReading();
    });
    await execCommand(sim.uart, 'version');
    await liveReading;
    operatorEnd.end();
    await done;
    const lines = messages.flatMap((m) => (m.kind === 'line' ? [m] : []));
    assert.match(lines[0]!.text, /^I: boot: u5-sensor/);
    assert.equal(lines[0]!.seq, 1);
    assert.ok(lines.some((l) => /\bready\b/.test(l.text) && l.level === 'info'));
    assert.ok(!lines.some((l) => l.text.startsWith('@')), 'framed replies are not log lines');
    const seqs = lines.map((l) => l.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
    );
    assert.equal(new Set(seqs).size, seqs.length, 'no line twice');
  });
});
