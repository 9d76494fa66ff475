// A plausible cellular signal strength for the simulator: a bounded random walk in dBm.

/** LTE RSSI as modems report it (AT+CSQ maps 0..31 to -113..-51 dBm). */
export const RSSI_MIN_DBM = -113;
export const RSSI_MAX_DBM = -51;

/** A random walk between RSSI_MIN_DBM and RSSI_MAX_DBM that moves at most `maxStep` dB per sample. */
export class RssiWalk {
  private value: number;

  constructor(
    start = -85,
    private readonly maxStep = 3,
    private readonly random: () => number = Math.random,
  ) {
    this.value = clamp(Math.round(start));
  }

  /** The next sample: the previous one moved by a whole number of dB in [-maxStep, maxStep], kept in range. */
  next(): number {
    const step = Math.round((this.random() * 2 - 1) * this.maxStep);
    let v = this.value + step;
    if (v > RSSI_MAX_DBM || v < RSSI_MIN_DBM) v = this.value - step; // reflect off the edges
    this.value = clamp(v);
    return this.value;
  }
}

function clamp(v: number): number {
  return Math.min(RSSI_MAX_DBM, Math.max(RSSI_MIN_DBM, v));
}
