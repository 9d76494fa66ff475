// A PlatformIO project's configuration, read in plain Node: `extends`, the [env] section, ${…} interpolation.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { PlatformioError } from './errors';
import { globFiles, mergeIni } from './extraConfigs';
import { parseIni, parseMultiValues, type IniDocument } from './iniSyntax';
import { resolveOption, type ValueSource } from './interpolation';

/** Where a project lives and what its values may refer to. */
export interface ProjectConfigContext {
  /** Absolute project folder: ${PROJECT_DIR}, and the base of relative *_dir options. */
  readonly projectDir: string;
  /** For ${sysenv.VAR} and PLATFORMIO_*_DIR overrides; process.env unless given. */
  readonly env?: NodeJS.ProcessEnv;
  /** Shown in error messages; `<projectDir>/platformio.ini` unless given. */
  readonly file?: string;
}

// Defaults PlatformIO gives [platformio] options, and the environment variables that override them.
const PLATFORMIO_DEFAULTS: Record<string, { value: string; sysenv: string }> = {
  core_dir: { value: join(homedir(), '.platformio'), sysenv: 'PLATFORMIO_CORE_DIR' },
  workspace_dir: { value: '${PROJECT_DIR}/.pio', sysenv: 'PLATFORMIO_WORKSPACE_DIR' },
  build_dir: { value: '${platformio.workspace_dir}/build', sysenv: 'PLATFORMIO_BUILD_DIR' },
  libdeps_dir: { value: '${platformio.workspace_dir}/libdeps', sysenv: 'PLATFORMIO_LIBDEPS_DIR' },
  include_dir: { value: '${PROJECT_DIR}/include', sysenv: 'PLATFORMIO_INCLUDE_DIR' },
  src_dir: { value: '${PROJECT_DIR}/src', sysenv: 'PLATFORMIO_SRC_DIR' },
  lib_dir: { value: '${PROJECT_DIR}/lib', sysenv: 'PLATFORMIO_LIB_DIR' },
  data_dir: { value: '${PROJECT_DIR}/data', sysenv: 'PLATFORMIO_DATA_DIR' },
  test_dir: { value: '${PROJECT_DIR}/test', sysenv: 'PLATFORMIO_TEST_DIR' },
  boards_dir: { value: '${PROJECT_DIR}/boards', sysenv: 'PLATFORMIO_BOARDS_DIR' },
  default_envs: { value: '', sysenv: 'PLATFORMIO_DEFAULT_ENVS' },
};

/** The project's configuration. Values are expanded on read; nothing is cached across file changes. */
export class ProjectConfig {
  readonly projectDir: string;
  readonly file: string;
  private readonly env: NodeJS.ProcessEnv;

  private constructor(
    private readonly doc: IniDocument,
    ctx: ProjectConfigContext,
  ) {
    this.projectDir = resolve(ctx.projectDir);
    this.file = ctx.file ?? join(this.projectDir, 'platformio.ini');
    this.env = ctx.env ?? process.env;
  }

  /**
   * Reads `<projectDir>/platformio.ini` and the files its `extra_configs` name; throws PlatformioError
   * NO_PLATFORMIO_INI when there is none.
   */
  static load(projectDir: string, env?: NodeJS.ProcessEnv): ProjectConfig {
    const file = join(resolve(projectDir), 'platformio.ini');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') {
        throw new PlatformioError(
          'NO_PLATFORMIO_INI',
          `${projectDir} has no platformio.ini; open a PlatformIO project folder (or run \`pio project init\` there)`,
        );
      }
      throw err;
    }
    const config = ProjectConfig.fromText(text, { projectDir, env, file });
    config.readExtraConfigs();
    return config;
  }

  /** Parses text as the platformio.ini of projectDir (for editors with unsaved changes, and tests). */
  static fromText(text: string, ctx: ProjectConfigContext): ProjectConfig {
    return new ProjectConfig(parseIni(text, ctx.file ?? 'platformio.ini'), ctx);
  }

  // Merges the files `[platformio] extra_configs` names (each once, also those named by the extra files).
  private readExtraConfigs(): void {
    const seen = new Set([this.file]);
    for (;;) {
      const files = this.getList('platformio', 'extra_configs')
        .map((p) => (p === '~' || p.startsWith('~/') ? homedir() + p.slice(1) : p))
        .flatMap((p) => globFiles(p, this.projectDir))
        .filter((f) => !seen.has(f));
      if (files.length === 0) return;
      for (const f of files) {
        seen.add(f);
        mergeIni(this.doc, parseIni(readFileSync(f, 'utf8'), f));
      }
    }
  }

  /** Section names in file order. */
  sections(): string[] {
    return [...this.doc.sections.keys()];
  }

  /** Environment names (`[env:NAME]`) in file order. */
  envs(): string[] {
    return this.sections()
      .filter((s) => s.startsWith('env:'))
      .map((s) => s.slice(4));
  }

  /** `[platformio] default_envs`, checked against the environments that exist. */
  defaultEnvs(): string[] {
    const envs = parseMultiValues(this.get('platformio', 'default_envs'));
    for (const e of envs) this.requireEnv(e);
    return envs;
  }

  /** The environment a command uses when none is named: the first default env, else the first env. */
  defaultEnv(): string {
    const env = this.defaultEnvs()[0] ?? this.envs()[0];
    if (env === undefined) {
      throw new PlatformioError('NO_ENVS', `${this.file} has no [env:NAME] section; add one for your board`);
    }
    return env;
  }

  /** Throws UNKNOWN_ENV (listing the known ones) unless `[env:name]` exists. */
  requireEnv(name: string): void {
    if (this.doc.sections.has(`env:${name}`)) return;
    const known = this.envs();
    throw new PlatformioError(
      'UNKNOWN_ENV',
      `${this.file} has no [env:${name}]` + (known.length ? `; known environments: ${known.join(', ')}` : ''),
    );
  }

  /**
   * The expanded value of `option` as `section` sees it (through `extends` and, for environments, [env]),
   * or undefined when unset. [platformio] directory options fall back to PlatformIO's defaults.
   */
  get(section: string, option: string): string | undefined {
    return resolveOption(this.source(), section, option.toLowerCase());
  }

  /** A multi-value option (lib_deps, build_flags, extends, …) as a list. */
  getList(section: string, option: string): string[] {
    return parseMultiValues(this.get(section, option));
  }

  /** An option of environment `env` (`[env:env]` → its `extends` → [env]). */
  envOption(env: string, option: string): string | undefined {
    this.requireEnv(env);
    return this.get(`env:${env}`, option);
  }

  /** Things PlatformIO ignores but a user likely got wrong: `extends` naming a section that does not exist. */
  warnings(): string[] {
    const out: string[] = [];
    for (const section of this.doc.sections.values()) {
      for (const parent of parseMultiValues(section.options.get('extends')?.value)) {
        if (!this.doc.sections.has(parent)) {
          out.push(
            `${this.file}:${section.options.get('extends')!.line + 1}: [${section.name}] extends [${parent}], which does not exist`,
          );
        }
      }
    }
    return out;
  }

  /** Absolute `[platformio] build_dir` (default `<project>/.pio/build`). */
  buildDir(): string {
    return this.dirOption('build_dir');
  }

  /** Absolute `[platformio] src_dir` (default `<project>/src`). */
  srcDir(): string {
    return this.dirOption('src_dir');
  }

  /** Any `[platformio] *_dir` option as an absolute path: `~` expanded, relative to the project folder. */
  dirOption(option: string): string {
    const raw = this.get('platformio', option) ?? '';
    const expanded = raw.startsWith('~') ? homedir() + raw.slice(1) : raw;
    return resolve(this.projectDir, expanded);
  }

  private source(): ValueSource {
    return {
      projectDir: this.projectDir,
      env: this.env,
      file: this.file,
      sectionExists: (s) => this.doc.sections.has(s) || s === 'platformio',
      raw: (section, option) => this.rawValue(section, option),
    };
  }

  // The unexpanded value: an override from the environment, the first section along the extends walk, a default.
  private rawValue(section: string, option: string): string | undefined {
    const meta = section === 'platformio' ? PLATFORMIO_DEFAULTS[option] : undefined;
    const override = meta ? this.env[meta.sysenv] : undefined;
    if (override) return override;
    for (const s of walkSections(this.doc, section, this.file)) {
      const found = this.doc.sections.get(s)?.options.get(option);
      if (found) return found.value;
    }
    return meta?.value || undefined;
  }
}

/**
 * The sections `root` reads options from, highest priority first, as PlatformIO walks them: the section,
 * then each `extends` entry in order (depth first), then [env] for environments. Throws EXTENDS_CYCLE.
 */
export function walkSections(doc: IniDocument, root: string, file = doc.file): string[] {
  const order: string[] = [];
  const visit = (name: string, path: string[]): void => {
    if (path.includes(name)) {
      throw new PlatformioError(
        'EXTENDS_CYCLE',
        `${file}: \`extends\` loops: ${[...path, name].map((n) => `[${n}]`).join(' → ')}; remove one of these links`,
      );
    }
    if (order.includes(name)) return;
    order.push(name);
    const section = doc.sections.get(name);
    if (!section) return;
    for (const parent of parseMultiValues(section.options.get('extends')?.value)) visit(parent, [...path, name]);
  };
  visit(root, []);
  // Every environment also reads the common [env] section, below everything it extends.
  if (root.startsWith('env:')) visit('env', []);
  return order;
}
