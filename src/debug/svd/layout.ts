// Where each register of a peripheral lives (clusters flattened to absolute addresses) and whether a debugger may
// read it: write-only registers and those whose read has a side effect (readAction) are left alone.
import type { SvdCluster, SvdNode, SvdPeripheral, SvdRegister } from './model';

/** A register at its absolute address; `path` names it within the peripheral (CLUSTER.REG). */
export interface PlacedRegister {
  register: SvdRegister;
  address: number;
  path: string;
}

/** Whether a debugger may read a register: freely, not at all (write-only), or only at a cost (side effects). */
export type Readability = 'readable' | 'write-only' | 'side-effects';

/** Every register of a node list at its absolute address, clusters included, in document order. */
export function placeRegisters(nodes: readonly SvdNode[], base: number, prefix = ''): PlacedRegister[] {
  const out: PlacedRegister[] = [];
  for (const node of nodes) {
    const address = base + node.addressOffset;
    if (node.kind === 'register') out.push({ register: node, address, path: prefix + node.name });
    else out.push(...placeRegisters(node.children, address, `${prefix}${node.name}.`));
  }
  return out;
}

/** The registers of a peripheral at their absolute addresses. */
export const peripheralRegisters = (p: SvdPeripheral): PlacedRegister[] => placeRegisters(p.children, p.baseAddress);

/** The registers of a cluster at `address`, paths relative to the peripheral. */
export const clusterRegisters = (c: SvdCluster, address: number, prefix: string): PlacedRegister[] =>
  placeRegisters(c.children, address, `${prefix}${c.name}.`);

/** Whether reading a register is safe: not write-only, and no readAction on it or on any of its fields. */
export function readability(r: SvdRegister): Readability {
  if (r.access === 'write-only' || r.access === 'writeOnce') return 'write-only';
  if (r.readAction !== undefined || r.fields.some((f) => f.readAction !== undefined)) return 'side-effects';
  return 'readable';
}

/** Bytes a register occupies. */
export const byteSize = (r: SvdRegister): number => Math.ceil(r.size / 8);
