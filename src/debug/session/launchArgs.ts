// The `"type": "outpost"` debug configuration: its attributes and their validation into one typed value.
import { DebugError, ErrorCode } from '../errors';
import type { StubKind, StubTargetArgs } from '../stub/stubConnector';

/** launch.json attributes, as DESIGN.md names them, plus the direct-GDB-server ones. */
export interface OutpostDebugArgs extends StubTargetArgs {
  request: 'attach' | 'launch';
  /** ELF with symbols (required here; the extension resolves it from `pioEnv` or the device's build id). */
  executable: string;
  gdbPath?: string;
  stopOnEntry: boolean;
  initCommands: string[];
  /** Log every MI exchange with timestamps to the debug console. */
  trace: boolean;
  /** Also write the MI trace to this file. */
  traceFile?: string;
  /** Overrides the stub kind's reset, e.g. ["monitor reset halt"]. */
  resetCommands?: string[];
  /** After a launch, run to this function unless stopOnEntry; "" runs free. */
  runToFunction: string;
  /** Hardware watchpoints the core has (Cortex-M33: 4 DWT comparators). */
  hardwareWatchpointLimit: number;
  /** Stop with exception info when a fault handler is entered. */
  catchFaults: boolean;
  /** The local project folder; also where sources of an ELF built elsewhere are looked for (sourceMap.ts). */
  cwd?: string;
  /** Build folder → local folder, for an ELF built on another machine (CI); found from `cwd` when not given. */
  sourceFileMap?: Record<string, string>;
  /** Per-command timeout for GDB, ms; `load` gets ten times as long. */
  gdbTimeoutMs: number;
  /** CMSIS-SVD file for the Peripherals scope (relative to `cwd`). */
  svdFile?: string;
}

const stubKinds: StubKind[] = ['qemu', 'openocd', 'pyocd', 'jlink', 'probe-rs', 'generic'];

/** Validates raw launch/attach arguments; throws one DebugError naming the attribute at fault. */
export function parseDebugArgs(request: 'attach' | 'launch', raw: Record<string, unknown>): OutpostDebugArgs {
  const str = (k: string): string | undefined => {
    const v = raw[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw bad(k, 'a string');
    return v;
  };
  const bool = (k: string, dflt: boolean): boolean => {
    const v = raw[k];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'boolean') throw bad(k, 'true or false');
    return v;
  };
  const strings = (k: string): string[] | undefined => {
    const v = raw[k];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw bad(k, 'a list of strings');
    return v as string[];
  };
  const int = (k: string, dflt: number, min: number): number => {
    const v = raw[k];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw bad(k, `an integer ≥ ${min}`);
    return v;
  };
  const stringMap = (k: string): Record<string, string> | undefined => {
    const v = raw[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string'))
      throw bad(k, 'an object of folder → folder strings, e.g. {"/builds/fw": "${workspaceFolder}"}');
    return v as Record<string, string>;
  };
  const executable = str('executable') ?? str('program');
  if (!executable) {
    throw new DebugError(
      ErrorCode.ExecutableMissing,
      'launch.json needs "executable": the ELF with symbols the device runs',
    );
  }
  const stubKind = str('stubKind');
  if (stubKind !== undefined && !stubKinds.includes(stubKind as StubKind)) throw bad('stubKind', stubKinds.join(', '));
  return {
    request,
    device: str('device'),
    gdbTarget: str('gdbTarget'),
    relay: str('relay'),
    identityFile: str('identityFile'),
    stubKind: stubKind as StubKind | undefined,
    executable,
    gdbPath: str('gdbPath'),
    stopOnEntry: bool('stopOnEntry', false),
    initCommands: strings('initCommands') ?? [],
    trace: bool('trace', false),
    traceFile: str('traceFile'),
    resetCommands: strings('resetCommands'),
    runToFunction: str('runToFunction') ?? 'main',
    hardwareWatchpointLimit: int('hardwareWatchpointLimit', 4, 0),
    catchFaults: bool('catchFaults', true),
    cwd: str('cwd'),
    sourceFileMap: stringMap('sourceFileMap'),
    gdbTimeoutMs: int('gdbTimeoutMs', 10_000, 100),
    svdFile: str('svdFile'),
  };
}

function bad(attribute: string, expected: string): DebugError {
  return new DebugError(ErrorCode.BadArguments, `launch.json "${attribute}" must be ${expected}`);
}
