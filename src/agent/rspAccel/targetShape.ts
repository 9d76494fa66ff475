// What the agent knows about the target from the stub's own answers (pure): which memory is safe to read ahead.

/** A half-open address range [start, end). */
export interface Region {
  start: number;
  end: number;
}

/** Start of the Cortex-M peripheral region: everything from here up may have read side effects. */
export const PERIPHERAL_BASE = 0x40000000;
/** GDB register numbers of an M-profile core: SP, LR, PC. */
export const SP_REG = 13;
export const LR_REG = 14;
export const PC_REG = 15;

/** True when the target description is an M-profile ARM core (register layout and memory map known). */
export function isMProfile(docs: Iterable<string>): boolean {
  for (const doc of docs) if (doc.includes('org.gnu.gdb.arm.m-profile')) return true;
  return false;
}

/**
 * Memory that may be read ahead and cached (reads without side effects): the stub's memory map's ram, rom and
 * flash regions when it gives one; else, for M-profile, the architectural Code and SRAM regions below the
 * peripherals; else nothing (only GDB's own reads, uncached).
 */
export function safeRegions(memoryMap: string | undefined, mProfile: boolean): Region[] {
  if (memoryMap !== undefined) {
    const out: Region[] = [];
    const re = /<memory\s+([^>]*?)\/?>/g;
    for (let m = re.exec(memoryMap); m; m = re.exec(memoryMap)) {
      const attr = (name: string): string | undefined => new RegExp(`${name}="([^"]*)"`).exec(m![1])?.[1];
      const type = attr('type');
      const start = Number(attr('start'));
      const length = Number(attr('length'));
      if (type && /^(ram|rom|flash)$/.test(type) && Number.isFinite(start) && Number.isFinite(length)) {
        out.push({ start, end: start + length });
      }
    }
    return out;
  }
  return mProfile ? [{ start: 0, end: PERIPHERAL_BASE }] : [];
}

/** [start, start+len) clipped to the safe region holding `start`, or undefined when `start` is not safe. */
export function clipToSafe(regions: Region[], start: number, len: number): Region | undefined {
  const region = regions.find((r) => r.start <= start && start < r.end);
  return region && { start, end: Math.min(start + len, region.end) };
}

/** True when [start, start+len) lies inside one safe region. */
export function isSafe(regions: Region[], start: number, len: number): boolean {
  return regions.some((r) => r.start <= start && start + len <= r.end);
}

/** Register `index` (32-bit, little-endian) of a `g` reply, or undefined when the reply is too short or an error. */
export function registerWord(g: string, index: number): number | undefined {
  const hex = g.slice(index * 8, index * 8 + 8);
  if (!/^[0-9a-fA-F]{8}$/.test(hex)) return undefined;
  return Buffer.from(hex, 'hex').readUInt32LE(0);
}

/** The largest packet the stub accepts (its qSupported PacketSize; GDB's default otherwise). */
export function stubPacketSize(supported: string): number {
  const m = /(?:^|;)PacketSize=([0-9a-fA-F]+)/.exec(supported);
  return m ? parseInt(m[1], 16) : 0x190;
}

/** The stub's qSupported reply as GDB gets it: no-ack mode offered (the operator side does it), no non-stop. */
export function rewriteSupported(reply: string): string {
  if (reply === '' || reply.startsWith('E')) return reply;
  const features = reply.split(';').filter((f) => f !== '' && !/^QNonStop[+-]?$/.test(f));
  if (!features.includes('QStartNoAckMode+')) features.push('QStartNoAckMode+');
  return features.join(';');
}

/** The thread of a stop reply (`thread:p01.01;`), if it names one. */
export function stopThread(reply: string): string | undefined {
  return /(?:^T[0-9a-fA-F]{2}|;)thread:([^;]+);/.exec(reply)?.[1];
}
