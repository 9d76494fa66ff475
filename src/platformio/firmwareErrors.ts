// Typed errors of building and reading firmware images: each message names the file or package and the fix.

/** What went wrong building or reading a firmware image; callers branch on the code, users read the message. */
export type FirmwareErrorCode =
  | 'TOOLCHAIN_MISSING' // arm-none-eabi-gcc / objcopy not on PATH
  | 'BUILD_FAILED' // the compiler or linker reported errors
  | 'NO_SOURCES' // build_src_filter selected no C sources
  | 'BAD_VERSION' // a firmware version that cannot be put in a C string literal safely
  | 'BAD_DEFINE' // a -D name that is not a C identifier
  | 'FIRMWARE_MISSING' // the ELF file does not exist
  | 'NOT_ELF' // the file is not an ELF file at all
  | 'NOT_ARM_ELF' // an ELF, but not a 32-bit little-endian ARM executable
  | 'ELF_DAMAGED'; // headers point outside the file

/** An error building or reading firmware, with a one-line message that says what to do. */
export class FirmwareError extends Error {
  override readonly name = 'FirmwareError';
  constructor(
    readonly code: FirmwareErrorCode,
    message: string,
    /** Longer output for a log or a details view (the compiler's diagnostics), never needed to act. */
    readonly detail?: string,
  ) {
    super(message);
  }
}
