// The compiler command for the `sim` environment, worked out from platformio.ini values (pure: no files, no processes).
import { defineName, normalizeDefines, splitFlags } from './buildFlags';
import { FirmwareError } from './firmwareErrors';

/** Everything the sim build depends on that comes from the project. */
export interface SimBuildInputs {
  /** C sources selected by build_src_filter, absolute. */
  readonly sources: readonly string[];
  /** Header folders: the project's include dir and src dir, absolute. */
  readonly includeDirs: readonly string[];
  /** board_build.ldscript, absolute. */
  readonly ldscript: string;
  /** build_flags lines as written in platformio.ini. */
  readonly buildFlags: readonly string[];
  /** build_unflags lines. */
  readonly buildUnflags: readonly string[];
  /** build_type: `debug` (default) or `release`. */
  readonly buildType: string | undefined;
  /** Overrides FW_VERSION. */
  readonly version?: string;
  /** Extra -D defines (values are C tokens: pass '"text"' for a string). */
  readonly defines?: Readonly<Record<string, string | number>>;
}

/** Flags every Cortex-M33 sim build gets (PlatformIO's ststm32 platform adds the equivalents for the board). */
export const CORE_FLAGS: readonly string[] = [
  '-mcpu=cortex-m33',
  '-mthumb',
  '-ffreestanding',
  '-ffunction-sections',
  '-fdata-sections',
  '-nostdlib',
  '-nostartfiles',
  '-Wl,--gc-sections',
];

/** PlatformIO's flags for build_type = debug: optimised but debuggable. */
const DEBUG_FLAGS = ['-Og', '-g2', '-ggdb2'];
const RELEASE_FLAGS = ['-Os', '-g'];

const VERSION_RE = /^[0-9A-Za-z][0-9A-Za-z.+_~-]{0,31}$/;
const DEFINE_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** arm-none-eabi-gcc arguments that compile and link `inputs` into `elfPath`. Throws BAD_VERSION, BAD_DEFINE, NO_SOURCES. */
export function simCompilerArgs(inputs: SimBuildInputs, elfPath: string): string[] {
  if (inputs.sources.length === 0) {
    throw new FirmwareError('NO_SOURCES', 'build_src_filter of [env:sim] selects no C sources; check platformio.ini');
  }
  const overrides = new Map<string, string>();
  if (inputs.version !== undefined) {
    if (!VERSION_RE.test(inputs.version)) {
      throw new FirmwareError(
        'BAD_VERSION',
        `firmware version "${inputs.version}" is not allowed; use 1-32 letters, digits and . + _ ~ - (e.g. 1.2.0)`,
      );
    }
    overrides.set('FW_VERSION', `"${inputs.version}"`);
  }
  for (const [name, value] of Object.entries(inputs.defines ?? {})) {
    if (!DEFINE_NAME_RE.test(name)) {
      throw new FirmwareError('BAD_DEFINE', `"${name}" is not a C macro name; use letters, digits and _`);
    }
    overrides.set(name, String(value));
  }
  const unflags = new Set(normalizeDefines(splitFlags(inputs.buildUnflags)));
  const projectFlags = normalizeDefines(splitFlags(inputs.buildFlags)).filter((w) => {
    const name = defineName(w);
    return !unflags.has(w) && !(name !== undefined && overrides.has(name));
  });
  const optimisation = (inputs.buildType ?? 'debug') === 'debug' ? DEBUG_FLAGS : RELEASE_FLAGS;
  return [
    ...CORE_FLAGS,
    ...optimisation,
    ...inputs.includeDirs.map((d) => `-I${d}`),
    ...projectFlags,
    ...[...overrides].map(([name, value]) => `-D${name}=${value}`),
    `-T${inputs.ldscript}`,
    ...inputs.sources,
    '-lgcc',
    '-o',
    elfPath,
  ];
}
