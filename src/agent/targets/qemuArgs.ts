// The qemu-system-arm command line for the simulated STM32U5-class device (pure).

/** Where QEMU's pieces go. */
export interface QemuLaunch {
  /** The firmware ELF, loaded like a programmer would flash it. */
  readonly elf: string;
  /** Loopback port of the GDB stub. */
  readonly gdbPort: number;
  /** Unix socket path for QMP. */
  readonly qmpSocket: string;
}

/** The machine: QEMU's Cortex-M33 with TrustZone (AN505 FPGA image on an MPS2+ board). */
export const SIM_MACHINE = 'mps2-an505';

/**
 * Arguments for `qemu-system-arm`: the firmware runs at once (no -S), UART0 is QEMU's stdio (raw bytes on the
 * child's stdin/stdout, Ctrl-C passed through to the firmware), the GDB stub listens on loopback only, QMP on
 * a private unix socket.
 */
export function qemuArgs(launch: QemuLaunch): string[] {
  return [
    '-M',
    SIM_MACHINE,
    '-display',
    'none',
    '-monitor',
    'none',
    '-chardev',
    'stdio,id=uart0,signal=off',
    '-serial',
    'chardev:uart0',
    '-kernel',
    launch.elf,
    '-gdb',
    `tcp:127.0.0.1:${launch.gdbPort}`,
    '-qmp',
    `unix:${launch.qmpSocket},server=on,wait=off`,
  ];
}
