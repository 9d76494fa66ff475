// Builders for stack and thread MI commands.
import { miCount } from '../quote';
import { miCommand } from './context';

/** `-stack-list-frames low high` for one thread. */
export function stackListFrames(thread: number, low: number, high: number): string {
  return miCommand('-stack-list-frames', [miCount(low, 'low frame'), miCount(high, 'high frame')], { thread });
}

/** `-stack-info-depth max`: counts frames without walking past `max`. */
export function stackInfoDepth(thread: number, max: number): string {
  return miCommand('-stack-info-depth', [miCount(max, 'max depth')], { thread });
}

/** `-stack-list-variables --simple-values` in one frame: the frame's arguments and locals. */
export function stackListVariables(thread: number, frame: number): string {
  return miCommand('-stack-list-variables', ['--simple-values'], { thread, frame });
}

/** `-thread-info`. */
export const threadInfo = (): string => '-thread-info';
