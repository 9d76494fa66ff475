// The `--thread`/`--frame` options every frame-dependent MI command takes, so no command relies on GDB's selection.
import { miCount } from '../quote';

/** Which thread and frame a command applies to (frame 0 = innermost). */
export interface MiFrameContext {
  thread: number;
  frame: number;
}

/** Builds `op [--thread T --frame F] params…`. */
export function miCommand(op: string, params: string[], ctx?: MiFrameContext | { thread: number }): string {
  const opts: string[] = [];
  if (ctx) {
    opts.push('--thread', miCount(ctx.thread, 'thread'));
    if ('frame' in ctx) opts.push('--frame', miCount(ctx.frame, 'frame'));
  }
  return [op, ...opts, ...params].join(' ');
}
