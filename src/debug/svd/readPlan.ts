// The fewest memory reads that fetch a peripheral's readable registers: contiguous runs, bridging small gaps only
// inside the peripheral's declared address blocks and never across a register that must not be read.
import { byteSize, readability, type PlacedRegister } from './layout';
import type { SvdAddressBlock } from './model';

/** One memory read and the registers whose values it holds. */
export interface ReadRun {
  address: number;
  length: number;
  registers: PlacedRegister[];
}

/** How far apart two registers may be and still share one read, and the longest read. */
export interface ReadPlanLimits {
  maxGap: number;
  maxLength: number;
}

/** Defaults: a gap up to 16 bytes is cheaper to read than a second round trip; 4 KiB keeps one read bounded. */
export const DEFAULT_READ_LIMITS: ReadPlanLimits = { maxGap: 16, maxLength: 4096 };

/**
 * Groups the readable registers into runs. A gap is bridged only when it lies inside one address block of the
 * peripheral (`base` + block offset); with no blocks declared, only touching registers share a read.
 */
export function planReads(
  registers: readonly PlacedRegister[],
  base: number,
  blocks: readonly SvdAddressBlock[],
  limits: ReadPlanLimits = DEFAULT_READ_LIMITS,
): ReadRun[] {
  const sorted = [...registers].sort((a, b) => a.address - b.address);
  const covered = (from: number, to: number): boolean =>
    from >= to || blocks.some((b) => from >= base + b.offset && to <= base + b.offset + b.size);
  const runs: ReadRun[] = [];
  let run: ReadRun | undefined;
  for (const reg of sorted) {
    const end = reg.address + byteSize(reg.register);
    if (readability(reg.register) !== 'readable') {
      // A read across this register would trigger what its readAction says: the run stops here.
      run = undefined;
      continue;
    }
    const runEnd = run ? run.address + run.length : 0;
    if (
      run &&
      reg.address - runEnd <= limits.maxGap &&
      covered(runEnd, reg.address) &&
      Math.max(end, runEnd) - run.address <= limits.maxLength
    ) {
      run.length = Math.max(end, runEnd) - run.address;
      run.registers.push(reg);
    } else {
      run = { address: reg.address, length: end - reg.address, registers: [reg] };
      runs.push(run);
    }
  }
  return runs;
}
