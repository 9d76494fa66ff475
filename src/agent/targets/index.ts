// Makes the Target the agent's --target names: the simulator, any GDB server, or an agent-managed OpenOCD.
import type { Logger } from '../../common/log';
import type { Target } from '../target';
import { TargetError } from './errors';
import { GdbServerTarget } from './gdbServer';
import { OpenocdTarget } from './openocd';
import { SimTarget } from './sim';
import { parseTargetUri } from './targetUri';

export { parseTargetUri, type TargetSpec } from './targetUri';
export { TargetError, type TargetErrorCode } from './errors';
export { SimTarget, SIM_BOARD, type SimTargetOptions } from './sim';
export { GdbServerTarget, type GatewayTargetOptions } from './gdbServer';
export { OpenocdTarget, type OpenocdTargetOptions } from './openocd';

/** Everything createTarget may need beyond the URI. */
export interface CreateTargetOptions {
  /** sim: the ELF to run (unless the URI names one). gdb/openocd: the ELF the board runs, for its facts. */
  readonly firmware?: string;
  /** gdb/openocd: serial device of the firmware console, e.g. /dev/ttyACM0. */
  readonly serialPort?: string;
  /** Serial baud rate (default 115200). */
  readonly baud?: number;
  /** gdb/openocd: board name to report. */
  readonly board?: string;
  readonly logger?: Logger;
  /** Executables, when not the ones on PATH. */
  readonly qemuBinary?: string;
  readonly openocdBinary?: string;
}

/**
 * The Target for a --target value. Nothing is started: call start(). Throws BAD_TARGET_URI for an unknown form,
 * and for `sim` without a firmware ELF.
 */
export function createTarget(uri: string, options: CreateTargetOptions = {}): Target {
  const spec = parseTargetUri(uri);
  const serial = options.serialPort ? { path: options.serialPort, baud: options.baud } : undefined;
  const gateway = { serial, firmware: options.firmware, board: options.board, logger: options.logger };
  switch (spec.kind) {
    case 'sim': {
      const firmware = spec.firmware ?? options.firmware;
      if (!firmware) {
        throw new TargetError(
          'BAD_TARGET_URI',
          'the sim target needs a firmware ELF: give --firmware PATH or sim:PATH',
        );
      }
      return new SimTarget({ firmware, logger: options.logger, qemuBinary: options.qemuBinary });
    }
    case 'gdb':
      return new GdbServerTarget(spec.host, spec.port, gateway);
    case 'openocd':
      return new OpenocdTarget(spec.configFiles, { ...gateway, openocdBinary: options.openocdBinary });
  }
}
