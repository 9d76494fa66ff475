// The OpenOCD command line for an agent-managed server (pure).

/**
 * Arguments for `openocd`: the GDB server on a private loopback port, telnet and Tcl servers off (nothing else
 * should be able to drive the probe), then the user's configuration files in order.
 */
export function openocdArgs(configFiles: readonly string[], gdbPort: number): string[] {
  return [
    '-c',
    'bindto 127.0.0.1',
    '-c',
    `gdb_port ${gdbPort}`,
    '-c',
    'telnet_port disabled',
    '-c',
    'tcl_port disabled',
    ...configFiles.flatMap((f) => ['-f', f]),
  ];
}

/** OpenOCD's line once its GDB server accepts connections: `Info : Listening on port 3333 for gdb connections`. */
export const OPENOCD_LISTENING = /Listening on port (\d+) for gdb connections/;
