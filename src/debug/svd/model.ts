// The CMSIS-SVD device model the debugger works with: peripherals, clusters, registers, fields and enumerated values,
// with derivedFrom, dim arrays and inherited register properties already resolved.

/** SVD `access`: who may read and write a register or field. */
export type SvdAccess = 'read-only' | 'write-only' | 'read-write' | 'writeOnce' | 'read-writeOnce';

/** SVD `readAction`: what a read does to the register besides returning its value. */
export type SvdReadAction = 'clear' | 'set' | 'modify' | 'modifyExternal';

/** SVD `modifiedWriteValues`: how a written value changes the field (write-one-to-clear and the like). */
export type SvdModifiedWrite =
  'oneToClear' | 'oneToSet' | 'oneToToggle' | 'zeroToClear' | 'zeroToSet' | 'zeroToToggle' | 'clear' | 'set' | 'modify';

/** One named value of a field; `care` masks the bits that matter (`#1x0` leaves bit 1 free), isDefault matches all. */
export interface SvdEnumValue {
  name: string;
  description?: string;
  value: bigint;
  care: bigint;
  isDefault: boolean;
}

/** A bit field of a register, bits lsb..msb inclusive. */
export interface SvdField {
  name: string;
  description?: string;
  lsb: number;
  msb: number;
  access: SvdAccess;
  readAction?: SvdReadAction;
  modifiedWriteValues?: SvdModifiedWrite;
  /** Values that a read shows by name (usage read or read-write). */
  enums: SvdEnumValue[];
}

/** A register, `addressOffset` from its parent (peripheral or cluster); size in bits. */
export interface SvdRegister {
  kind: 'register';
  name: string;
  description?: string;
  addressOffset: number;
  size: number;
  access: SvdAccess;
  resetValue: bigint;
  resetMask: bigint;
  readAction?: SvdReadAction;
  modifiedWriteValues?: SvdModifiedWrite;
  fields: SvdField[];
}

/** A group of registers (and clusters) at `addressOffset` from its parent. */
export interface SvdCluster {
  kind: 'cluster';
  name: string;
  description?: string;
  addressOffset: number;
  children: SvdNode[];
}

/** What a peripheral or cluster holds. */
export type SvdNode = SvdRegister | SvdCluster;

/** A range of the peripheral's address space, from the base address. */
export interface SvdAddressBlock {
  offset: number;
  size: number;
  usage: string;
}

/** A peripheral at an absolute base address. */
export interface SvdPeripheral {
  name: string;
  description?: string;
  groupName?: string;
  baseAddress: number;
  addressBlocks: SvdAddressBlock[];
  /** Registers and clusters; read from the file on first use, when a problem in them throws an SvdError. */
  readonly children: SvdNode[];
}

/** A device as one SVD file describes it. */
export interface SvdDevice {
  name: string;
  description?: string;
  peripherals: SvdPeripheral[];
}
