// Unit tests of the relay's per-connection send scheduler: interactive frames first, bulk only while the socket keeps up.
import assert from 'node:assert/strict';
import { bulkThreshold, Outbox, priorityOf, type OutboxSocket } from '../../src/relay/outbox';

/** A socket whose buffer only empties when the test flushes it, like a slow cellular link. */
class SlowSocket implements OutboxSocket {
  bufferedAmount = 0;
  readonly sent: string[] = [];
  private callbacks: (() => void)[] = [];

  send(data: Buffer, cb: (err?: Error) => void): void {
    this.sent.push(data.toString());
    this.bufferedAmount += data.length;
    this.callbacks.push(() => cb());
  }

  flush(): void {
    this.bufferedAmount = 0;
    const cbs = this.callbacks;
    this.callbacks = [];
    cbs.forEach((cb) => cb());
  }
}

const big = (label: string): Buffer => Buffer.concat([Buffer.from(label), Buffer.alloc(bulkThreshold)]);

describe('Outbox', () => {
  it('maps channel kinds to priorities', () => {
    assert.deepEqual((['rsp', 'console', 'logs', 'ota'] as const).map(priorityOf), [0, 0, 1, 2]);
  });

  it('sends a debug packet at once even while OTA data is backed up', () => {
    const socket = new SlowSocket();
    const outbox = new Outbox(socket);
    outbox.send(big('ota1'), 2);
    outbox.send(big('ota2'), 2);
    outbox.send(Buffer.from('rsp'), 0);
    assert.deepEqual(
      socket.sent.map((s) => s.slice(0, 4)),
      ['ota1', 'rsp'],
    );
    assert.ok(outbox.queuedBytes > bulkThreshold);
  });

  it('drains logs before ota as the socket empties, in order within each', () => {
    const socket = new SlowSocket();
    const outbox = new Outbox(socket);
    outbox.send(big('ota1'), 2);
    outbox.send(big('ota2'), 2);
    outbox.send(big('log1'), 1);
    outbox.send(big('log2'), 1);
    for (let i = 0; i < 4; i++) socket.flush();
    assert.deepEqual(
      socket.sent.map((s) => s.slice(0, 4)),
      ['ota1', 'log1', 'log2', 'ota2'],
    );
    assert.equal(outbox.queuedBytes, 0);
  });

  it('drops everything once closed', () => {
    const socket = new SlowSocket();
    const outbox = new Outbox(socket);
    outbox.send(big('ota1'), 2);
    outbox.send(big('ota2'), 2);
    outbox.close();
    outbox.send(Buffer.from('rsp'), 0);
    socket.flush();
    assert.deepEqual(
      socket.sent.map((s) => s.slice(0, 4)),
      ['ota1'],
    );
  });
});
