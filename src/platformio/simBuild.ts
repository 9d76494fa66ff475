// Builds the `sim` environment of a PlatformIO project with Debian's arm-none-eabi-gcc into PlatformIO's layout.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { parseElf } from './elf';
import { FirmwareError } from './firmwareErrors';
import { ProjectConfig } from './ini';
import { applySrcFilter } from './srcFilter';
import { simCompilerArgs, type SimBuildInputs } from './simBuildPlan';

/** What to build. */
export interface SimBuildOptions {
  /** The PlatformIO project folder (has platformio.ini with an [env:sim] section). */
  readonly projectDir: string;
  /** Where firmware.elf/bin go; default PlatformIO's `.pio/build/sim`. Use another folder for variant builds. */
  readonly outDir?: string;
  /** FW_VERSION for this build (default: what platformio.ini says). */
  readonly version?: string;
  /** Extra -D defines; values are C tokens. */
  readonly defines?: Readonly<Record<string, string | number>>;
  /** The environment to build (default `sim`). */
  readonly env?: string;
}

/** A built image. */
export interface SimBuildResult {
  readonly elf: string;
  readonly bin: string;
  /** GNU build id of the ELF, lowercase hex. */
  readonly buildId: string;
  /** False when the outputs were already up to date and nothing ran. */
  readonly built: boolean;
}

const GCC = 'arm-none-eabi-gcc';
const OBJCOPY = 'arm-none-eabi-objcopy';
const STAMP = 'firmware.outpost-stamp';

/**
 * Compiles and links the project's sim firmware (sources, flags and linker script from platformio.ini), then
 * makes firmware.bin. Skips the work when a previous build from the same inputs is in outDir. Outputs appear
 * atomically. Throws FirmwareError (TOOLCHAIN_MISSING, BUILD_FAILED, NO_SOURCES, BAD_VERSION) or PlatformioError.
 */
export async function buildSimFirmware(options: SimBuildOptions): Promise<SimBuildResult> {
  const env = options.env ?? 'sim';
  const config = ProjectConfig.load(options.projectDir);
  const inputs = await gatherInputs(config, env, options);
  const outDir = resolve(options.outDir ?? join(config.buildDir(), env));
  const elf = join(outDir, 'firmware.elf');
  const bin = join(outDir, 'firmware.bin');

  const fingerprint = await fingerprintOf(inputs, await compilerVersion());
  const previous = await readStamp(join(outDir, STAMP));
  if (previous?.fingerprint === fingerprint && (await exists(elf)) && (await exists(bin))) {
    return { elf, bin, buildId: previous.buildId, built: false };
  }

  await mkdir(outDir, { recursive: true });
  const work = join(outDir, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(work);
  try {
    const tmpElf = join(work, 'firmware.elf');
    const tmpBin = join(work, 'firmware.bin');
    await run(GCC, simCompilerArgs(inputs, tmpElf), config.projectDir);
    await run(OBJCOPY, ['-O', 'binary', tmpElf, tmpBin], config.projectDir);
    const buildId = parseElf(await readFile(tmpElf), tmpElf).buildId ?? '';
    await rename(tmpElf, elf);
    await rename(tmpBin, bin);
    await writeFile(join(work, STAMP), JSON.stringify({ fingerprint, buildId }) + '\n');
    await rename(join(work, STAMP), join(outDir, STAMP));
    return { elf, bin, buildId, built: true };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function gatherInputs(config: ProjectConfig, env: string, options: SimBuildOptions): Promise<SimBuildInputs> {
  const srcDir = config.srcDir();
  const includeDir = config.dirOption('include_dir');
  const all = (await listFiles(srcDir)).map((f) => relative(srcDir, f).split(sep).join('/'));
  const sources = applySrcFilter(all, config.envOption(env, 'build_src_filter'))
    .filter((f) => f.endsWith('.c'))
    .map((f) => join(srcDir, f));
  const ldscript = config.envOption(env, 'board_build.ldscript');
  if (!ldscript) {
    throw new FirmwareError('NO_SOURCES', `[env:${env}] in ${config.file} has no board_build.ldscript; add one`);
  }
  return {
    sources,
    includeDirs: [includeDir, srcDir],
    ldscript: resolve(config.projectDir, ldscript),
    buildFlags: config.getList(`env:${env}`, 'build_flags'),
    buildUnflags: config.getList(`env:${env}`, 'build_unflags'),
    buildType: config.envOption(env, 'build_type'),
    version: options.version,
    defines: options.defines,
  };
}

// Everything the output depends on: compiler, arguments, and the bytes of every file the compiler may read.
async function fingerprintOf(inputs: SimBuildInputs, compiler: string): Promise<string> {
  const hash = createHash('sha256');
  hash
    .update(compiler)
    .update('\0')
    .update(JSON.stringify(simCompilerArgs(inputs, 'out.elf')))
    .update('\0');
  const files = new Set<string>([inputs.ldscript]);
  for (const dir of inputs.includeDirs) for (const f of await listFiles(dir)) files.add(f);
  for (const f of [...files].sort()) {
    hash
      .update(f)
      .update('\0')
      .update(await readFile(f))
      .update('\0');
  }
  return hash.digest('hex');
}

let cachedCompilerVersion: Promise<string> | undefined;

function compilerVersion(): Promise<string> {
  cachedCompilerVersion ??= run(GCC, ['--version'], process.cwd()).catch((err: unknown) => {
    cachedCompilerVersion = undefined;
    throw err;
  });
  return cachedCompilerVersion;
}

function run(tool: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(tool, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolvePromise(stdout);
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(
          new FirmwareError(
            'TOOLCHAIN_MISSING',
            `${tool} not found: install Debian's gcc-arm-none-eabi package (apt-get install gcc-arm-none-eabi)`,
          ),
        );
      }
      const firstError = stderr.split('\n').find((l) => /error/i.test(l)) ?? stderr.split('\n')[0] ?? err.message;
      reject(new FirmwareError('BUILD_FAILED', `building the sim firmware failed: ${firstError.trim()}`, stderr));
    });
  });
}

async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: string[] = [];
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(full)));
    else if (e.isFile()) out.push(full);
  }
  return out.sort();
}

async function readStamp(path: string): Promise<{ fingerprint: string; buildId: string } | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as { fingerprint?: unknown; buildId?: unknown };
    if (typeof parsed.fingerprint === 'string' && typeof parsed.buildId === 'string') {
      return { fingerprint: parsed.fingerprint, buildId: parsed.buildId };
    }
    return undefined;
  } catch (err) {
    if (err instanceof SyntaxError) return undefined; // a torn stamp just means "rebuild"
    throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
