// ${…} interpolation in platformio.ini values: other options, environment variables, built-in variables.
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { PlatformioError } from './errors';

/** What interpolation reads: raw (unexpanded) option values and the project's surroundings. */
export interface ValueSource {
  readonly projectDir: string;
  readonly env: NodeJS.ProcessEnv;
  /** For error messages. */
  readonly file: string;
  sectionExists(section: string): boolean;
  /** The unexpanded value `section` sees for `option` (after `extends` and defaults), or undefined. */
  raw(section: string, option: string): string | undefined;
}

// PlatformIO's template: ${option} (built-in) or ${section.option}; the section part holds no dot.
const VAR_RE = /\$\{(?:([^.}()]+)\.)?([^}]+)\}/g;

function builtin(source: ValueSource, name: string, stack: string[]): string | undefined {
  switch (name) {
    case 'PROJECT_DIR':
      return source.projectDir;
    case 'PROJECT_HASH':
      // PlatformIO's: folder name + first 10 hex digits of the SHA-1 of the full path.
      return `${basename(source.projectDir)}-${createHash('sha1').update(source.projectDir).digest('hex').slice(0, 10)}`;
    case 'UNIX_TIME':
      return String(Math.floor(Date.now() / 1000));
    case 'PROJECT_CORE_DIR':
      return resolveOption(source, 'platformio', 'core_dir', stack);
    case 'PROJECT_WORKSPACE_DIR':
      return resolveOption(source, 'platformio', 'workspace_dir', stack);
    default:
      return undefined;
  }
}

/**
 * The value of `option` as `section` sees it, with every ${…} expanded, or undefined when unset.
 * `${this.*}` refers to `section` (the section asked for, even when the text came from an `extends` parent),
 * so `${this.__env__}` in [env] names each environment. Unknown references and cycles throw PlatformioError.
 */
export function resolveOption(
  source: ValueSource,
  section: string,
  option: string,
  stack: string[] = [],
): string | undefined {
  const key = `${section}.${option}`;
  if (stack.includes(key)) {
    const chain = [...stack.slice(stack.indexOf(key)), key].map((k) => '${' + k + '}').join(' → ');
    throw new PlatformioError('INTERPOLATION_CYCLE', `${source.file}: values refer to each other in a loop: ${chain}`);
  }
  if (!source.sectionExists(section)) {
    throw new PlatformioError(
      'UNKNOWN_SECTION',
      `${source.file}: there is no [${section}] section (asked for \${${key}})`,
    );
  }
  const raw = source.raw(section, option);
  if (raw === undefined) return undefined;
  return expandValue(source, section, raw, [...stack, key]);
}

/** Expands every ${…} in `value` as read in `section`. SCons variables such as ${BUILD_DIR} stay as written. */
export function expandValue(source: ValueSource, section: string, value: string, stack: string[] = []): string {
  if (!value.includes('${')) return value;
  return value.replace(VAR_RE, (whole, ref: string | undefined, name: string) => {
    if (ref === undefined) return builtin(source, name, stack) ?? whole;
    if (ref === 'sysenv') return source.env[name] ?? '';
    let target = ref;
    if (ref === 'this') {
      target = section;
      if (name === '__env__') {
        if (!section.startsWith('env:')) {
          throw new PlatformioError(
            'BAD_INTERPOLATION',
            `${source.file}: \${this.__env__} is used in [${section}], which is not an [env:NAME] section`,
          );
        }
        return section.slice(4);
      }
    }
    const found = resolveOption(source, target, name.toLowerCase(), stack);
    if (found === undefined) {
      throw new PlatformioError(
        'UNKNOWN_OPTION',
        `${source.file}: [${target}] has no option "${name}" (used as ${whole} in [${section}])`,
      );
    }
    return found;
  });
}
