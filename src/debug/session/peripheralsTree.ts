// What a Peripherals variable stands for, and the register values read for a peripheral during one stop.
import type { PlacedRegister } from '../svd/layout';
import type { SvdDevice, SvdNode, SvdPeripheral } from '../svd/model';

/** A register value, or why it was not read. */
export type RegisterReading = { value: bigint } | { notRead: string };

/** The register values of one peripheral, read on its first expansion in a stop (references die at the next stop). */
export interface PeripheralSnapshot {
  peripheral: SvdPeripheral;
  /** By register path (CLUSTER.REG); undefined until read. */
  values?: Map<string, RegisterReading>;
}

/** A node of the Peripherals tree behind a variables reference. */
export type PeripheralNode =
  | { what: 'device'; device: SvdDevice }
  | { what: 'peripheral'; snap: PeripheralSnapshot }
  | { what: 'cluster'; snap: PeripheralSnapshot; nodes: SvdNode[]; address: number; prefix: string }
  | { what: 'register'; snap: PeripheralSnapshot; reg: PlacedRegister };
