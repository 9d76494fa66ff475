// The console and logs channel handlers over in-memory Duplex pairs: bytes both ways, replay and live lines.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { PassThrough, type Duplex } from 'node:stream';
import { handleConsoleChannel } from '../../../src/agent/consoleHandler';
import { handleLogsChannel } from '../../../src/agent/logsHandler';
import type { Target } from '../../../src/agent/target';
import { LogBuffer } from '../../../src/agent/uart/logBuffer';
import { readLogs } from '../../../src/agent/uart/logsClient';
import type { LogsMessage } from '../../../src/agent/uart/logsWire';
import { StreamUart } from '../../../src/agent/uart/streamUart';
import { duplexPair } from './duplexPair';

function uartTarget(): { target: Target; uart: StreamUart; fromFirmware: PassThrough; toFirmware: PassThrough } {
  const uart = new StreamUart();
  const fromFirmware = new PassThrough();
  const toFirmware = new PassThrough();
  uart.attach(fromFirmware, toFirmware);
  const target: Target = {
    kind: 'sim',
    uart,
    start: async () => undefined,
    stop: async () => undefined,
    connectGdb: () => Promise.reject(new Error('no stub')),
    firmware: () => ({}),
  };
  return { target, uart, fromFirmware, toFirmware };
}

function collect(stream: Duplex): { text: () => string } {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { text: () => Buffer.concat(chunks).toString() };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('console channel', () => {
  it('carries typed bytes to the firmware and its output back, raw', async () => {
    const { target, fromFirmware, toFirmware } = uartTarget();
    const [agentEnd, operatorEnd] = duplexPair();
    handleConsoleChannel(agentEnd, target);
    const seen = collect(operatorEnd);
    const typed: Buffer[] = [];
    toFirmware.on('data', (c: Buffer) => typed.push(c));
    operatorEnd.write('help\r');
    fromFirmware.write('help\r\nhelp   list commands\r\n> ');
    await tick();
    assert.equal(Buffer.concat(typed).toString(), 'help\r');
    assert.equal(seen.text(), 'help\r\nhelp   list commands\r\n> ');
  });

  it('stops forwarding when the operator leaves', async () => {
    const { target, uart, fromFirmware } = uartTarget();
    const [agentEnd, operatorEnd] = duplexPair();
    handleConsoleChannel(agentEnd, target);
    assert.equal(uart.listenerCount('data'), 1);
    operatorEnd.end();
    agentEnd.resume();
    await once(agentEnd, 'close');
    fromFirmware.write('I: still running\r\n');
    await tick();
    assert.equal(uart.listenerCount('data'), 0);
  });
});

describe('logs channel', () => {
  async function read(logs: LogBuffer, request: object): Promise<LogsMessage[]> {
    const [agentEnd, operatorEnd] = duplexPair();
    handleLogsChannel(agentEnd, logs);
    const messages: LogsMessage[] = [];
    await readLogs(operatorEnd, { ...request, follow: false }, (m) => messages.push(m));
    return messages;
  }

  it('replays from the requested sequence number and marks where live lines start', async () => {
    const logs = new LogBuffer();
    for (let i = 1; i <= 5; i++) logs.append(`I: ${i}`, 1_700_000_000_000 + i);
    const messages = await read(logs, { from: 3, epoch: logs.epoch });
    assert.deepEqual(
      messages.map((m) => (m.kind === 'line' ? m.text : m.kind)),
      ['I: 3', 'I: 4', 'I: 5', 'live'],
    );
    const first = messages[0]!;
    assert.ok(
      first.kind === 'line' && first.level === 'info' && first.time === new Date(1_700_000_000_003).toISOString(),
    );
    assert.deepEqual(messages[3], { kind: 'live', epoch: logs.epoch, next: 6 });
  });

  it('reports lines the bounded buffer dropped as a gap', async () => {
    const logs = new LogBuffer(3);
    for (let i = 1; i <= 6; i++) logs.append(`I: ${i}`);
    const messages = await read(logs, { from: 1, epoch: logs.epoch });
    assert.deepEqual(messages[0], { kind: 'gap', from: 1, to: 3 });
  });

  it('replays everything held when the agent restarted (another epoch)', async () => {
    const logs = new LogBuffer();
    logs.append('I: boot');
    const messages = await read(logs, { from: 500, epoch: 'an-older-agent' });
    assert.deepEqual(messages.map((m) => m.kind === 'line' && m.text).filter(Boolean), ['I: boot']);
  });

  it('follows new lines after the replay, then resumes after a reconnect without duplicates', async () => {
    const logs = new LogBuffer();
    logs.append('I: old');
    const [agentEnd, operatorEnd] = duplexPair();
    handleLogsChannel(agentEnd, logs);
    const got: LogsMessage[] = [];
    const done = readLogs(operatorEnd, { tail: 1 }, (m) => got.push(m));
    await tick();
    logs.append('I: new 1');
    logs.append('I: new 2');
    await tick();
    operatorEnd.end();
    await done;
    const texts = got.flatMap((m) => (m.kind === 'line' ? [m.text] : []));
    assert.deepEqual(texts, ['I: old', 'I: new 1', 'I: new 2']);
    const last = got.filter((m) => m.kind === 'line').pop()!;
    logs.append('I: while away');
    const again = await read(logs, { from: (last as { seq: number }).seq + 1, epoch: logs.epoch });
    assert.deepEqual(
      again.flatMap((m) => (m.kind === 'line' ? [m.text] : [])),
      ['I: while away'],
    );
  });

  it('closes the channel on a malformed request', async () => {
    const logs = new LogBuffer();
    const [agentEnd, operatorEnd] = duplexPair();
    handleLogsChannel(agentEnd, logs);
    const errors: Error[] = [];
    operatorEnd.on('error', (err: Error) => errors.push(err));
    operatorEnd.write('{"from": -4}\n');
    await new Promise((resolve) => operatorEnd.once('close', resolve));
    assert.equal(agentEnd.destroyed, true);
    assert.match(errors[0]?.message ?? '', /whole numbers/);
  });
});
