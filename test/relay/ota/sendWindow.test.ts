// The OTA sender's window: at the resume bound on short or slow links, widened to fill long fast ones, never past credit.
import assert from 'node:assert/strict';
import { INITIAL_WINDOW } from '../../../src/protocol/credit';
import { transferWindow } from '../../../src/protocol/otaTransfer';
import { SendWindow } from '../../../src/relay/ota/sendWindow';

const MIB = 1024 * 1024;
const CHUNK = 8192;

/**
 * Sends `total` bytes through a bottleneck of `bytesPerMs` with `rttMs` of propagation, as the relay's sender does:
 * 8 KiB chunks while the window allows, one ack per chunk when it arrives. A chunk ending past an offset in `losses`
 * loses a packet: TCP retransmits it a round trip later, and holds back the acks of everything behind it until then.
 * Returns the window after each ack and the time the transfer took.
 */
function transfer(window: SendWindow, link: { bytesPerMs: number; rttMs: number }, total = MIB, losses: number[] = []) {
  const acks: { at: number; end: number }[] = [];
  const windows: number[] = [];
  let now = 0;
  let next = 0;
  let acked = 0;
  let busyUntil = 0;
  window.restart(0);
  while (acked < total) {
    while (next < total && next - acked < window.bytes) {
      const end = Math.min(total, next + CHUNK);
      window.onSend(end, now);
      busyUntil = Math.max(now, busyUntil) + (end - next) / link.bytesPerMs;
      const lost = losses.some((l) => l > next && l <= end);
      const inOrder = acks.length > 0 ? acks[acks.length - 1].at : 0;
      acks.push({ at: Math.max(inOrder, busyUntil + link.rttMs * (lost ? 2 : 1)), end });
      next = end;
    }
    const ack = acks.shift() as { at: number; end: number };
    now = ack.at;
    acked = ack.end;
    window.onAck(acked, now);
    windows.push(window.bytes);
  }
  return { windows, ms: now, final: windows.at(-1) as number };
}

describe('relay/ota/sendWindow', () => {
  it('starts at the resume bound of the image', () => {
    assert.equal(SendWindow.forImage(MIB).bytes, transferWindow(MIB));
    assert.equal(SendWindow.forImage(10_000).bytes, 32 * 1024);
  });

  it('grows to 1.5 × the bandwidth-delay product on a long fast link, and so nearly fills it', () => {
    const link = { bytesPerMs: 625, rttMs: 150 }; // 5 Mbit/s, 150 ms
    const run = transfer(SendWindow.forImage(MIB), link);
    const bdp = link.bytesPerMs * link.rttMs;
    assert.ok(run.final >= 1.4 * bdp && run.final <= 1.8 * bdp, `window ${run.final} for a ${bdp}-byte product`);
    const fixed = transfer(new SendWindow(transferWindow(MIB), transferWindow(MIB)), link);
    assert.ok(run.ms < 0.6 * fixed.ms, `adaptive ${run.ms} ms, fixed ${fixed.ms} ms`);
    const ideal = MIB / link.bytesPerMs + link.rttMs;
    assert.ok(run.ms < 1.25 * ideal, `${run.ms} ms against ${ideal} ms at link rate`);
  });

  it('ends at the resume bound on a slow link, probing above it only while starting up', () => {
    const run = transfer(SendWindow.forImage(MIB), { bytesPerMs: 125, rttMs: 150 }); // 1 Mbit/s, 150 ms
    assert.equal(run.final, transferWindow(MIB));
    assert.ok(Math.max(...run.windows) <= 1.3 * transferWindow(MIB), `probed up to ${Math.max(...run.windows)}`);
    assert.ok(run.windows.slice(run.windows.length / 4).every((w) => w === transferWindow(MIB)));
  });

  it('stays at the resume bound on local paths, where the rate measures processing', () => {
    for (const link of [
      { bytesPerMs: 100_000, rttMs: 0.05 }, // a local socket
      { bytesPerMs: 200_000, rttMs: 0.4 }, // loopback through two processes
    ]) {
      const run = transfer(SendWindow.forImage(MIB), link);
      assert.ok(
        run.windows.every((w) => w === transferWindow(MIB)),
        `${JSON.stringify(link)}: ${Math.max(...run.windows)}`,
      );
    }
  });

  it('reaches the link’s capacity within a few round trips', () => {
    const link = { bytesPerMs: 625, rttMs: 150 };
    const w = SendWindow.forImage(MIB);
    const run = transfer(w, link);
    const acksPerRound = (link.bytesPerMs * link.rttMs) / CHUNK;
    const firstFull = run.windows.findIndex((x) => x >= link.bytesPerMs * link.rttMs);
    assert.ok(firstFull >= 0 && firstFull < 4 * acksPerRound, `full after ${firstFull} acks`);
    assert.equal(w.startingUp, false);
  });

  it('does not take the burst of acks after a TCP loss for a faster link', () => {
    const link = { bytesPerMs: 250, rttMs: 150 }; // 2 Mbit/s, 150 ms
    const losses = Array.from({ length: 12 }, (_, i) => (i + 1) * 80_000);
    const run = transfer(SendWindow.forImage(MIB), link, MIB, losses);
    const bdp = link.bytesPerMs * (link.rttMs + CHUNK / link.bytesPerMs);
    const late = run.windows.slice(run.windows.length / 3);
    assert.ok(Math.max(...late) <= 1.8 * bdp, `window up to ${Math.max(...late)} for a ${bdp}-byte product`);
  });

  it('never exceeds the channel credit window', () => {
    const run = transfer(SendWindow.forImage(MIB), { bytesPerMs: 12_500, rttMs: 300 }); // 100 Mbit/s, 300 ms
    assert.equal(Math.max(...run.windows), INITIAL_WINDOW);
  });

  it('forgets fast samples after a second, so a link that slows down gets a smaller window again', () => {
    const w = SendWindow.forImage(MIB);
    transfer(w, { bytesPerMs: 625, rttMs: 150 });
    const wide = w.bytes;
    // The same window object sees a slower link for a few seconds (as a resumed transfer would).
    const slow = transfer(w, { bytesPerMs: 125, rttMs: 150 }, 4 * MIB);
    assert.ok(wide > 2 * transferWindow(MIB));
    assert.ok(slow.final < wide / 2, `still ${slow.final} after slowing down from ${wide}`);
  });

  it('keeps a fixed window when floor and cap are equal', () => {
    const w = new SendWindow(64 * 1024, 64 * 1024);
    const run = transfer(w, { bytesPerMs: 625, rttMs: 150 });
    assert.ok(run.windows.every((x) => x === 64 * 1024));
  });
});
