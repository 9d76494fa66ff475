// The result shape of every protocol parser and check: a value, or the close code and a one-line reason. Never thrown.
import type { CloseCode } from './closeCodes';

/** A value, or the close code the receiver answers with and a one-line reason. */
export type Result<T> = { ok: true; value: T } | { ok: false; code: CloseCode; reason: string };

/** A successful result. */
export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
/** A failed result. */
export const err = <T = never>(code: CloseCode, reason: string): Result<T> => ({ ok: false, code, reason });
