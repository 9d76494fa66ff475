// The register properties group (size, access, resetValue, resetMask): set on the device, a peripheral, a cluster or
// a register, each level inheriting what it does not set from the one above.
import { SvdError, SvdErrorCode } from './errors';
import type { SvdAccess } from './model';
import { parseSvdBigInt, parseSvdInt } from './numbers';
import { textOf, type XmlElement } from './xml';

/** The properties every register ends up with. */
export interface RegisterProperties {
  size: number;
  access: SvdAccess;
  resetValue: bigint;
  resetMask: bigint;
}

/** What applies when no level of the file says: the SVD defaults for a 32-bit device. */
export const DEFAULT_PROPERTIES: RegisterProperties = {
  size: 32,
  access: 'read-write',
  resetValue: 0n,
  resetMask: 0xffffffffn,
};

const ACCESS: readonly SvdAccess[] = ['read-only', 'write-only', 'read-write', 'writeOnce', 'read-writeOnce'];

/** Parses an `access` value; `what` names the element for the error. */
export function parseAccess(text: string, what: string): SvdAccess {
  if (!ACCESS.includes(text as SvdAccess)) {
    throw new SvdError(SvdErrorCode.BadValue, `${what} access is "${text}", not one of ${ACCESS.join(', ')}`);
  }
  return text as SvdAccess;
}

/** The properties of element `el`: what it sets itself, the rest from `inherited`. */
export function inheritProperties(el: XmlElement, inherited: RegisterProperties, what: string): RegisterProperties {
  const size = textOf(el, 'size');
  const access = textOf(el, 'access');
  const resetValue = textOf(el, 'resetValue');
  const resetMask = textOf(el, 'resetMask');
  if (size === undefined && access === undefined && resetValue === undefined && resetMask === undefined) {
    return inherited;
  }
  const bits = size === undefined ? inherited.size : parseSvdInt(size, `${what} size`);
  if (bits < 1 || bits > 64) throw new SvdError(SvdErrorCode.BadValue, `${what} size ${bits} is not 1 to 64 bits`);
  return {
    size: bits,
    access: access === undefined ? inherited.access : parseAccess(access, what),
    resetValue: resetValue === undefined ? inherited.resetValue : parseSvdBigInt(resetValue, `${what} resetValue`),
    resetMask: resetMask === undefined ? inherited.resetMask : parseSvdBigInt(resetMask, `${what} resetMask`),
  };
}
