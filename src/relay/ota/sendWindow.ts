// How many unacknowledged image bytes an OTA sender keeps in flight: the image's resume window, widened to fill the link.
import { INITIAL_WINDOW } from '../../protocol/credit';
import { transferWindow } from '../../protocol/otaTransfer';

/**
 * Bytes in flight per byte of the measured bandwidth-delay product: a TCP loss holds the device's acks back for
 * about a round trip, and the extra half keeps the link busy through most of that. (2 measured no faster on the
 * emulated 5 Mbit/s link, and a drop wastes the whole window.)
 */
export const WINDOW_GAIN = 1.5;
/** The gain while the delivery rate still grows, so the window finds the link's capacity in a few round trips. */
export const STARTUP_GAIN = 2;
/**
 * Below this round trip the window stays at its floor: 32 KiB per 5 ms already carries 6.5 MB/s, and on local paths
 * (loopback, a LAN) the delivery rate measures the peers' processing, not a link worth filling.
 */
export const MIN_WIDENING_RTT_MS = 5;
/** How long a delivery-rate sample counts towards the maximum, at least (or 10 round trips when longer). */
const RATE_MEMORY_MS = 1000;
/** Startup ends after this many round trips in a row in which the best rate grew by less than a quarter. */
const FLAT_ROUNDS = 2;

/** Delivery is measured over at least this many round trips, so a burst of acks after a TCP loss is not a rate. */
const RATE_SPAN_RTTS = 2;

interface Sent {
  end: number;
  at: number;
}

/**
 * The sender's window. It starts at `transferWindow(imageSize)` — the bound on what a link drop wastes — and grows
 * to WINDOW_GAIN × the link's bandwidth-delay product when that is larger, up to the channel's credit window. The
 * product is the best recent delivery rate (bytes acked over the last RATE_SPAN_RTTS round trips: a TCP loss holds
 * acks back and then releases them at once) times the lowest round trip seen (a chunk's send to its ack); while that
 * rate still grows from one round trip to the next, the window takes STARTUP_GAIN to find the link's capacity
 * quickly. On a link whose product is small (a slow cellular link) the window ends at the resume bound; on a fast,
 * long one it holds enough bytes in flight to keep the link busy through TCP loss recovery, and a drop then wastes
 * at most that window. Paths under MIN_WIDENING_RTT_MS keep the floor.
 */
export class SendWindow {
  private readonly sent: Sent[] = [];
  // Acks of the last RATE_SPAN_RTTS round trips (and the one before, as the base of the measurement).
  private readonly acks: { at: number; acked: number }[] = [];
  // Rate samples of the last RATE_MEMORY_MS, kept in decreasing order of rate: the first is the maximum.
  private readonly rates: { at: number; bytesPerMs: number }[] = [];
  private minRttMs = Number.POSITIVE_INFINITY;
  private acked = 0;
  private sentEnd = 0;
  private roundEnd = 0;
  private roundRate = 0;
  private flatRounds = 0;

  constructor(
    private readonly floor: number,
    private readonly cap = INITIAL_WINDOW,
  ) {}

  /** The window for an image of `imageSize` bytes. */
  static forImage(imageSize: number): SendWindow {
    return new SendWindow(transferWindow(imageSize));
  }

  /** True while the window is still looking for the link's capacity. */
  get startingUp(): boolean {
    return this.flatRounds < FLAT_ROUNDS;
  }

  /** Unacknowledged bytes allowed in flight now. */
  get bytes(): number {
    if (this.rates.length === 0 || this.minRttMs < MIN_WIDENING_RTT_MS) return this.floor;
    const gain = this.startingUp ? STARTUP_GAIN : WINDOW_GAIN;
    const wanted = Math.ceil(gain * this.maxRate() * this.minRttMs);
    return Math.min(this.cap, Math.max(this.floor, wanted));
  }

  /** A chunk ending at image offset `end` went out at `now` (ms). */
  onSend(end: number, now: number): void {
    this.sent.push({ end, at: now });
    // Delivery is measured from the first send on: the first round trip, with nothing acked yet, counts too.
    if (this.acks.length === 0) this.acks.push({ at: now, acked: this.acked });
    this.sentEnd = Math.max(this.sentEnd, end);
  }

  /** The device holds everything before `offset` at `now` (ms). */
  onAck(offset: number, now: number): void {
    let last: Sent | undefined;
    while (this.sent.length > 0 && this.sent[0].end <= offset) last = this.sent.shift();
    this.acked = Math.max(this.acked, offset);
    if (!last) return;
    this.minRttMs = Math.min(this.minRttMs, Math.max(now - last.at, 0.001));
    this.acks.push({ at: now, acked: this.acked });
    const span = RATE_SPAN_RTTS * this.minRttMs;
    while (this.acks.length > 1 && now - this.acks[1].at >= span) this.acks.shift();
    const base = this.acks[0];
    if (now - base.at >= span) this.sample((this.acked - base.acked) / (now - base.at), now);
    if (this.acked >= this.roundEnd) this.endRound();
  }

  /** The device asked to (re)start at `offset`: nothing sent before counts as in flight any more. */
  restart(offset: number): void {
    this.sent.length = 0;
    this.acks.length = 0;
    this.acked = offset;
    this.sentEnd = offset;
    this.roundEnd = offset;
  }

  private sample(bytesPerMs: number, now: number): void {
    while (this.rates.length > 0 && this.rates[this.rates.length - 1].bytesPerMs <= bytesPerMs) this.rates.pop();
    this.rates.push({ at: now, bytesPerMs });
    const memory = Math.max(RATE_MEMORY_MS, 10 * this.minRttMs);
    while (now - this.rates[0].at > memory) this.rates.shift();
  }

  private maxRate(): number {
    return this.rates.length > 0 ? this.rates[0].bytesPerMs : 0;
  }

  // A round trip ends when what was in flight at its start has been acknowledged.
  private endRound(): void {
    const rate = this.maxRate();
    if (rate >= 1.25 * this.roundRate) {
      this.roundRate = rate;
      if (this.startingUp) this.flatRounds = 0;
    } else if (this.startingUp) this.flatRounds++;
    this.roundEnd = this.sentEnd;
  }
}
