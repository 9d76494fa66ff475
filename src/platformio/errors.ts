// Typed errors of the PlatformIO integration: every failure to read a project names its file and the fix.

/** What went wrong reading a PlatformIO project; callers branch on the code, users read the message. */
export type PlatformioErrorCode =
  | 'NO_PLATFORMIO_INI' // the folder has no platformio.ini
  | 'INI_SYNTAX' // a line platformio.ini cannot contain
  | 'INI_DUPLICATE' // a section or an option given twice
  | 'UNKNOWN_SECTION' // ${section.option} or an API call names a section that does not exist
  | 'UNKNOWN_OPTION' // ${section.option} names an option the section does not have
  | 'UNKNOWN_ENV' // an environment name that is not an [env:NAME] section
  | 'NO_ENVS' // the project has no [env:NAME] section
  | 'INTERPOLATION_CYCLE' // ${a.b} refers back to itself, directly or through others
  | 'EXTENDS_CYCLE' // `extends` chains back to the section itself
  | 'BAD_INTERPOLATION' // ${this.__env__} outside an environment, and the like
  | 'NO_BUILD_OUTPUT' // the environment has not been built (no firmware.elf)
  | 'NOT_EDITABLE'; // an edit would have to go into a file Outpost does not edit (extra_configs)

/** An error reading a PlatformIO project, with a one-line message that says what to do. */
export class PlatformioError extends Error {
  override readonly name = 'PlatformioError';
  constructor(
    readonly code: PlatformioErrorCode,
    message: string,
    /** The environment the error is about, when there is one (so a UI can offer to build it). */
    readonly env?: string,
  ) {
    super(message);
  }
}
