// A Cortex-M core reset done with RSP register writes, for GDB stubs without a reset command (QEMU's).
import { DebugError, ErrorCode } from '../errors';
import { decodePayload } from './packet';

/** Vector Table Offset Register: where the core takes its initial SP and reset PC from. */
export const VTOR = 0xe000ed08;
/** GDB register numbers of the Cortex-M core (QEMU's and GDB's M-profile target descriptions). */
export const REG_SP = 13;
export const REG_PC = 15;
export const REG_XPSR = 25;
/** xPSR after reset: Thumb bit set, nothing else. */
export const XPSR_RESET = 0x01000000;

/** Sends one packet payload to the stub and resolves with its reply payload. */
export type RspRequest = (payload: string) => Promise<string>;

/** A 32-bit value as the target stores it (little-endian), in hex. */
export function wordHex(value: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return b.toString('hex');
}

/** The 32-bit little-endian words of an `m` reply; throws when the stub answered with an error. */
export function parseWords(reply: string, what: string): number[] {
  const text = decodePayload(reply);
  if (!/^([0-9a-fA-F]{8})+$/.test(text)) {
    throw new DebugError(ErrorCode.ResetUnsupported, `cannot read ${what} from the target (stub replied "${reply}")`);
  }
  const bytes = Buffer.from(text, 'hex');
  return Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readUInt32LE(i * 4));
}

/** The `P` packets that point the core at its reset vector: SP and PC from the vector table, xPSR as at reset. */
export function resetRegisterWrites(sp: number, resetVector: number): string[] {
  return [
    `P${REG_SP.toString(16)}=${wordHex(sp)}`,
    `P${REG_PC.toString(16)}=${wordHex(resetVector & ~1)}`,
    `P${REG_XPSR.toString(16)}=${wordHex(XPSR_RESET)}`,
  ];
}

/**
 * Resets a halted core the way the debugger resets QEMU (src/debug/stub/resetCommands.ts): the vector table is
 * found through VTOR, then SP, PC and xPSR are written. Memory stays as it is, so an image GDB just loaded
 * survives (QEMU's own system_reset would restore the image it booted). The core stays halted at the reset
 * handler. Throws DebugError ResetUnsupported when the stub refuses a step.
 */
export async function coreReset(request: RspRequest): Promise<void> {
  const [vtor] = parseWords(await request(`m${VTOR.toString(16)},4`), 'VTOR');
  const [sp, resetVector] = parseWords(await request(`m${vtor.toString(16)},8`), 'the vector table');
  for (const write of resetRegisterWrites(sp, resetVector)) {
    const reply = await request(write);
    if (reply !== 'OK') {
      throw new DebugError(
        ErrorCode.ResetUnsupported,
        `the stub refused a register write (${write.split('=')[0]}: "${reply}")`,
      );
    }
  }
}
