// Typed errors of the device side (target backends and the UART): each message says what to do.

/** What went wrong with a target or its UART; callers branch on the code, users read the message. */
export type TargetErrorCode =
  | 'BAD_TARGET_URI' // --target is not gdb://HOST:PORT, openocd:CFG or sim
  | 'QEMU_MISSING' // qemu-system-arm is not installed
  | 'QEMU_FAILED' // QEMU exited before its GDB stub was up, or keeps crashing
  | 'OPENOCD_MISSING' // openocd is not installed
  | 'OPENOCD_EXITED' // OpenOCD exited before it listened for GDB (no probe, bad config)
  | 'GDB_UNREACHABLE' // nothing accepts connections at the GDB server address
  | 'NOT_STARTED' // a method that needs start() was called before it (or after stop())
  | 'NO_UART' // the target has no UART configured
  | 'SERIAL_PORT' // the serial device cannot be opened or configured
  | 'BAD_COMMAND' // a console command that cannot be sent as one line
  | 'EXEC_TIMEOUT'; // a console command got no complete reply in time

/** An error from a target backend or the UART, with a one-line message that says what to do. */
export class TargetError extends Error {
  override readonly name = 'TargetError';
  constructor(
    readonly code: TargetErrorCode,
    message: string,
    /** Extra output for logs (the last lines a child process printed); never needed to act. */
    readonly detail?: string,
  ) {
    super(message);
  }
}
