// Validation of control params for the relay's handlers: the protocol's checks, failures as BAD_REQUEST.
import { parseParams, type MethodName, type Methods } from '../../protocol/control';
import { ControlError } from './handler';

/** The typed params of a contract method, or a BAD_REQUEST ControlError with the protocol's one-line reason. */
export function paramsOf<M extends MethodName>(method: M, params: Record<string, unknown>): Methods[M]['params'] {
  const parsed = parseParams(method, params);
  if (!parsed.ok) throw new ControlError('BAD_REQUEST', `${method}: ${parsed.reason}`);
  return parsed.value;
}

/** An optional whole-number param within [min, max]. */
export function optionalInt(
  params: Record<string, unknown>,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ControlError('BAD_REQUEST', `${name}: a whole number from ${min} to ${max}`);
  }
  return v;
}
