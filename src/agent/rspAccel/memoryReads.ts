// Reads of target memory the agent makes for the operator side's cache: only safe regions, errors never cached.
import { decodePayload } from '../../debug/rsp/packet';
import type { MemoryBlock } from '../../protocol/rspAccel';
import type { StubClient } from './stubClient';
import { clipToSafe, type Region } from './targetShape';

/** What a read needs to know: safe regions and the largest read one stub packet carries. */
export interface ReadLimits {
  regions: Region[];
  maxRead: number;
  /** Addresses where reads were found to fail (the end of RAM below its region's end): later reads stop there. */
  ends: number[];
}

/** Hex bytes of an `m` reply, or undefined for an error or anything else. */
export function memoryHex(reply: string): string | undefined {
  const text = decodePayload(reply);
  return /^([0-9a-fA-F]{2})+$/.test(text) ? text.toLowerCase() : undefined;
}

/** Largest `m` length for a stub packet size: two hex digits a byte, plus framing. */
export function maxReadFor(packetSize: number): number {
  return Math.max(0x40, Math.floor((packetSize - 8) / 2));
}

/**
 * Reads [start, start+len) clipped to its safe region, to one packet and below any end of memory found earlier.
 * When the stub refuses (the end of RAM, say) it searches in 64-byte steps for the longest read that works and
 * remembers where memory ended. Undefined when `start` is not safe or nothing could be read.
 */
export async function readBlock(
  stub: StubClient,
  limits: ReadLimits,
  start: number,
  len: number,
): Promise<MemoryBlock | undefined> {
  const region = clipToSafe(limits.regions, start, Math.min(len, limits.maxRead));
  if (!region) return undefined;
  const end = Math.min(region.end, ...limits.ends.filter((e) => e > start));
  const read = async (n: number): Promise<string | undefined> =>
    memoryHex(await stub.ask(`m${start.toString(16)},${n.toString(16)}`));
  const whole = await read(end - start);
  if (whole !== undefined) return [start, whole];
  // Binary search over 64-byte steps: `good` steps read fine, `bad` steps did not.
  let good = 0;
  let best: string | undefined;
  let bad = Math.ceil((end - start) / 0x40);
  while (bad - good > 1) {
    const mid = (good + bad) >> 1;
    const hex = await read(Math.min(mid * 0x40, end - start));
    if (hex === undefined) bad = mid;
    else [good, best] = [mid, hex];
  }
  if (best === undefined) return undefined;
  limits.ends.push(start + good * 0x40);
  return [start, best];
}

/** The window a GDB read is widened to: 256-byte aligned, at least 1 KiB (what `x/N` and the variables view read next). */
export function readAheadWindow(addr: number, len: number): { start: number; len: number } {
  const start = addr - (addr % 0x100);
  const end = Math.max(Math.ceil((addr + len) / 0x100) * 0x100, start + 0x400);
  return { start, len: end - start };
}
