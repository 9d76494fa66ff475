// GDB `monitor` commands as RSP carries them (qRcmd,HEX) and the few that front ends rely on (pure).
import { fromHex } from './packet';

/**
 * What a front end asks for with `monitor …`: cortex-debug's external mode sends `reset halt` on launch and
 * reset and `halt` on attach; PlatformIO's default debug_init_cmds add `init` (OpenOCD's). They wait for the answer.
 */
export type MonitorAction = 'reset-halt' | 'reset' | 'halt' | 'init';

/** The text of a `qRcmd,HEX` packet payload, or undefined for any other packet. */
export function monitorText(payload: string): string | undefined {
  if (!payload.startsWith('qRcmd,')) return undefined;
  return fromHex(payload.slice('qRcmd,'.length));
}

/** The action of a monitor command this tunnel can answer, or undefined for every other command. */
export function monitorAction(text: string): MonitorAction | undefined {
  const words = text.trim().toLowerCase().split(/\s+/).join(' ');
  switch (words) {
    case 'reset halt':
    case 'reset init':
      return 'reset-halt';
    case 'reset':
    case 'reset run':
      return 'reset';
    case 'halt':
      return 'halt';
    case 'init':
      return 'init';
    default:
      return undefined;
  }
}
