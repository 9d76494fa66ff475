// platformio.ini as PlatformIO reads it: syntax, extends, [env], interpolation, defaults, build outputs.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOutputs, requireBuilt } from '../../src/platformio/buildOutputs';
import { PlatformioError, type PlatformioErrorCode } from '../../src/platformio/errors';
import { ProjectConfig } from '../../src/platformio/ini';
import { parseIni, parseMultiValues } from '../../src/platformio/iniSyntax';

const PROJECT = '/home/dev/tracker-fw';

// A realistic STM32U5 project: a shared [common] section, chained extends and an [env] section.
const TRACKER_INI = `; PlatformIO Project Configuration File
;
;   Build options: build flags, source filter
; https://docs.platformio.org/page/projectconf.html

[platformio]
default_envs = u585_release, u585_debug
src_dir = firmware/src   ; sources live under firmware/

[common]
build_flags =
    -D FW_VERSION=\\"1.4.2\\"
    ; the next flag is only for bring-up
    -D BOARD_REV=3
    -Wall   # warnings on
lib_deps =
    bblanchon/ArduinoJson @ ^7.0.0
    https://github.com/outpost/cellular.git#v2.1

[env]
platform = ststm32
framework = stm32cube
monitor_speed = 115200
build_flags = \${common.build_flags} -D ENV_NAME=\${this.__env__}

[env:u585_release]
board = b_u585i_iot02a
build_type = release

[env:u585_debug]
extends = env:u585_release
build_type = debug
build_flags = \${common.build_flags} -D ENV_NAME=\${this.__env__} -O0 -g3
debug_tool = stlink
debug_speed = \${env.monitor_speed}

[env:u585_sim]
extends = env:u585_debug, sim_overrides
board = mps2_an505

[sim_overrides]
board = qemu
upload_protocol = custom
debug_tool = custom
`;

const load = (text: string, env: NodeJS.ProcessEnv = {}): ProjectConfig =>
  ProjectConfig.fromText(text, { projectDir: PROJECT, env });

function throwsCode(fn: () => unknown, code: PlatformioErrorCode, text?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof PlatformioError, `expected PlatformioError, got ${String(err)}`);
    assert.equal(err.code, code);
    if (text) assert.match(err.message, text);
    return true;
  });
}

describe('platformio.ini syntax', () => {
  it('keeps sections in file order with the line of each header and option', () => {
    const doc = parseIni(TRACKER_INI);
    assert.deepEqual(
      [...doc.sections.keys()],
      ['platformio', 'common', 'env', 'env:u585_release', 'env:u585_debug', 'env:u585_sim', 'sim_overrides'],
    );
    assert.equal(doc.sections.get('common')!.line, 9);
    assert.equal(doc.sections.get('common')!.options.get('lib_deps')!.line, 15);
  });

  it('joins multi-line values, dropping comment lines and inline comments', () => {
    const flags = parseIni(TRACKER_INI).sections.get('common')!.options.get('build_flags')!.value;
    assert.equal(flags, '\n-D FW_VERSION=\\"1.4.2\\"\n-D BOARD_REV=3\n-Wall');
  });

  it('keeps # and ; that are not preceded by whitespace (URL fragments, flags)', () => {
    const deps = load(TRACKER_INI).getList('common', 'lib_deps');
    assert.deepEqual(deps, ['bblanchon/ArduinoJson @ ^7.0.0', 'https://github.com/outpost/cellular.git#v2.1']);
    assert.equal(load('[env:a]\nbuild_flags = -DX=1;-DY=2\n').envOption('a', 'build_flags'), '-DX=1;-DY=2');
  });

  it('lower-cases option names but keeps section names as written', () => {
    const cfg = load('[env:Board_A]\nBoard = nucleo_u575zi_q\n');
    assert.equal(cfg.envOption('Board_A', 'board'), 'nucleo_u575zi_q');
    assert.deepEqual(cfg.envs(), ['Board_A']);
  });

  it('accepts ":" as the delimiter, CRLF line endings and a byte-order mark', () => {
    const cfg = load('\uFEFF[env:a]\r\nboard: b_u585i_iot02a\r\nupload_port = /dev/ttyACM0\r\n');
    assert.equal(cfg.envOption('a', 'board'), 'b_u585i_iot02a');
    assert.equal(cfg.envOption('a', 'upload_port'), '/dev/ttyACM0');
  });

  it('keeps a blank line inside a value but drops trailing blank lines', () => {
    const doc = parseIni('[x]\nitems =\n  one\n\n  two\n\n\n[y]\n');
    assert.equal(doc.sections.get('x')!.options.get('items')!.value, '\none\n\ntwo');
    assert.deepEqual(parseMultiValues(doc.sections.get('x')!.options.get('items')!.value), ['one', 'two']);
  });

  it('splits single-line multi-values on ", " only', () => {
    assert.deepEqual(parseMultiValues('env:a, env:b'), ['env:a', 'env:b']);
    assert.deepEqual(parseMultiValues('-DA=1,2'), ['-DA=1,2']);
  });

  it('names file and line for a line it cannot read', () => {
    throwsCode(() => parseIni('[env:a]\nboard = x\nthis is not ini\n'), 'INI_SYNTAX', /^platformio\.ini:3: /);
    throwsCode(() => parseIni('board = x\n[env:a]\n'), 'INI_SYNTAX', /:1: .*before any \[section\]/);
  });

  it('rejects a duplicate section or option like PlatformIO does', () => {
    throwsCode(() => parseIni('[env:a]\n[env:a]\n'), 'INI_DUPLICATE', /:2: section \[env:a\] appears twice/);
    throwsCode(() => parseIni('[env:a]\nboard = x\nBOARD = y\n'), 'INI_DUPLICATE', /:3: option "board"/);
  });
});

describe('platformio.ini configuration', () => {
  it('lists environments in file order and resolves default_envs', () => {
    const cfg = load(TRACKER_INI);
    assert.deepEqual(cfg.envs(), ['u585_release', 'u585_debug', 'u585_sim']);
    assert.deepEqual(cfg.defaultEnvs(), ['u585_release', 'u585_debug']);
    assert.equal(cfg.defaultEnv(), 'u585_release');
  });

  it('falls back to the first environment without default_envs, and says when there is none', () => {
    assert.equal(load('[env:b]\n[env:a]\n').defaultEnv(), 'b');
    throwsCode(() => load('[platformio]\nsrc_dir = s\n').defaultEnv(), 'NO_ENVS', /add one for your board/);
  });

  it('rejects a default_envs entry that is not an environment, listing the known ones', () => {
    const cfg = load('[platformio]\ndefault_envs = nope\n[env:a]\n[env:b]\n');
    throwsCode(() => cfg.defaultEnvs(), 'UNKNOWN_ENV', /no \[env:nope\]; known environments: a, b/);
  });

  it('lets every environment read the common [env] section', () => {
    const cfg = load(TRACKER_INI);
    assert.equal(cfg.envOption('u585_release', 'platform'), 'ststm32');
    assert.equal(cfg.envOption('u585_sim', 'monitor_speed'), '115200');
  });

  it('follows chained extends, the environment itself winning over what it extends', () => {
    const cfg = load(TRACKER_INI);
    assert.equal(cfg.envOption('u585_debug', 'board'), 'b_u585i_iot02a'); // from u585_release
    assert.equal(cfg.envOption('u585_sim', 'build_type'), 'debug'); // u585_debug
    assert.equal(cfg.envOption('u585_sim', 'board'), 'mps2_an505'); // its own
  });

  it('gives the first of several extends priority, depth first', () => {
    const cfg = load(TRACKER_INI);
    // u585_debug (first) sets debug_tool = stlink; sim_overrides (second) sets custom.
    assert.equal(cfg.envOption('u585_sim', 'debug_tool'), 'stlink');
    assert.equal(cfg.envOption('u585_sim', 'upload_protocol'), 'custom');
  });

  it('expands ${section.option}, ${env.option} and ${this.__env__} per environment', () => {
    const cfg = load(TRACKER_INI);
    const release = cfg.getList('env:u585_release', 'build_flags');
    assert.deepEqual(release, ['-D FW_VERSION=\\"1.4.2\\"', '-D BOARD_REV=3', '-Wall -D ENV_NAME=u585_release']);
    const sim = cfg.getList('env:u585_sim', 'build_flags');
    // The text comes from u585_debug, but it is read for u585_sim, so ${this.__env__} names u585_sim.
    assert.equal(sim[sim.length - 1], '-Wall -D ENV_NAME=u585_sim -O0 -g3');
    assert.equal(cfg.envOption('u585_debug', 'debug_speed'), '115200');
  });

  it('refuses ${this.__env__} read through ${env.option}, as PlatformIO does (it is read in [env])', () => {
    const cfg = load('[env]\nflags = -DE=${this.__env__}\n[env:a]\nbuild_flags = ${env.flags}\n');
    assert.equal(cfg.envOption('a', 'flags'), '-DE=a');
    throwsCode(() => cfg.envOption('a', 'build_flags'), 'BAD_INTERPOLATION', /used in \[env\]/);
  });

  it('expands ${env:NAME.option}, ${this.option}, ${sysenv.VAR}, ${PROJECT_DIR} and leaves SCons variables', () => {
    const cfg = load(
      `[env:base]
board = b_u585i_iot02a
[env:app]
board = \${env:base.board}
upload_command = flash --board \${this.board} --key \${sysenv.SIGN_KEY} \${SOURCE}
extra_dir = \${PROJECT_DIR}/tools
`,
      { SIGN_KEY: '/keys/release.key' },
    );
    assert.equal(cfg.envOption('app', 'board'), 'b_u585i_iot02a');
    assert.equal(
      cfg.envOption('app', 'upload_command'),
      'flash --board b_u585i_iot02a --key /keys/release.key ${SOURCE}',
    );
    assert.equal(cfg.envOption('app', 'extra_dir'), `${PROJECT}/tools`);
  });

  it('expands an unset ${sysenv.VAR} to nothing', () => {
    assert.equal(
      load('[env:a]\nbuild_flags = -DTAG=${sysenv.OUTPOST_NOT_SET}x\n').envOption('a', 'build_flags'),
      '-DTAG=x',
    );
  });

  it('defaults [platformio] build_dir to .pio/build and lets ${platformio.build_dir} use it', () => {
    const cfg = load('[env:a]\ncustom_elf = ${platformio.build_dir}/${this.__env__}/firmware.elf\n');
    assert.equal(cfg.buildDir(), `${PROJECT}/.pio/build`);
    assert.equal(cfg.envOption('a', 'custom_elf'), `${PROJECT}/.pio/build/a/firmware.elf`);
    assert.equal(cfg.srcDir(), `${PROJECT}/src`);
  });

  it('resolves build_dir and src_dir relative to the project, through workspace_dir', () => {
    const cfg = load('[platformio]\nworkspace_dir = ../ws\nsrc_dir = firmware/src\n[env:a]\n');
    assert.equal(cfg.buildDir(), '/home/dev/ws/build');
    assert.equal(cfg.srcDir(), `${PROJECT}/firmware/src`);
    assert.equal(load('[platformio]\nbuild_dir = /tmp/out\n').buildDir(), '/tmp/out');
  });

  it('lets PLATFORMIO_BUILD_DIR override the file, as PlatformIO does', () => {
    const cfg = load('[platformio]\nbuild_dir = out\n', { PLATFORMIO_BUILD_DIR: '/ci/build' });
    assert.equal(cfg.buildDir(), '/ci/build');
  });

  it('reports a ${…} cycle with its chain', () => {
    const cfg = load('[a]\nx = ${b.y}\n[b]\ny = ${c.z}\n[c]\nz = ${a.x}\n');
    throwsCode(() => cfg.get('a', 'x'), 'INTERPOLATION_CYCLE', /\$\{a\.x\} → \$\{b\.y\} → \$\{c\.z\} → \$\{a\.x\}/);
    throwsCode(() => load('[env:a]\nboard = ${this.board}\n').envOption('a', 'board'), 'INTERPOLATION_CYCLE');
  });

  it('reports an extends cycle naming the sections', () => {
    const cfg = load('[env:a]\nextends = env:b\n[env:b]\nextends = env:c\n[env:c]\nextends = env:a\n');
    throwsCode(() => cfg.envOption('b', 'board'), 'EXTENDS_CYCLE', /\[env:b\] → \[env:c\] → \[env:a\] → \[env:b\]/);
  });

  it('accepts diamond-shaped extends (two parents sharing one)', () => {
    const cfg = load(
      '[base]\nboard = x\n[left]\nextends = base\n[right]\nextends = base\nflag = r\n[env:a]\nextends = left, right\n',
    );
    assert.equal(cfg.envOption('a', 'board'), 'x');
    assert.equal(cfg.envOption('a', 'flag'), 'r');
  });

  it('names a reference to a missing section or option', () => {
    throwsCode(() => load('[env:a]\nb = ${nope.x}\n').envOption('a', 'b'), 'UNKNOWN_SECTION', /no \[nope\] section/);
    throwsCode(
      () => load('[c]\n[env:a]\nb = ${c.x}\n').envOption('a', 'b'),
      'UNKNOWN_OPTION',
      /\[c\] has no option "x"/,
    );
    throwsCode(() => load('[c]\nv = ${this.__env__}\n').get('c', 'v'), 'BAD_INTERPOLATION', /not an \[env:NAME\]/);
  });

  it('returns undefined for an unset option and warns about extends of a missing section', () => {
    const cfg = load('[env:a]\nextends = commn\n');
    assert.equal(cfg.envOption('a', 'board'), undefined);
    assert.deepEqual(cfg.warnings(), [`${PROJECT}/platformio.ini:2: [env:a] extends [commn], which does not exist`]);
  });
});

describe('build outputs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-pio-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('says the environment is not built until firmware.elf exists, then finds it', () => {
    writeFileSync(join(dir, 'platformio.ini'), TRACKER_INI);
    const before = buildOutputs(dir, 'u585_debug', {});
    assert.equal(before.elf, join(dir, '.pio/build/u585_debug/firmware.elf'));
    assert.equal(before.bin, join(dir, '.pio/build/u585_debug/firmware.bin'));
    assert.equal(before.exists, false);
    assert.throws(() => requireBuilt(before), /pio run -e u585_debug/);

    mkdirSync(join(dir, '.pio/build/u585_debug'), { recursive: true });
    writeFileSync(before.elf, 'ELF');
    const after = buildOutputs(dir, 'u585_debug', {});
    assert.equal(after.exists, true);
    assert.equal(after.binExists, false);
    assert.equal(requireBuilt(after), after);
  });

  it('uses the default environment and a custom build_dir', () => {
    writeFileSync(join(dir, 'platformio.ini'), '[platformio]\nbuild_dir = out\ndefault_envs = b\n[env:a]\n[env:b]\n');
    const out = buildOutputs(dir, undefined, {});
    assert.equal(out.env, 'b');
    assert.equal(out.elf, join(dir, 'out/b/firmware.elf'));
  });

  it('says when the folder is not a PlatformIO project or the environment is unknown', () => {
    throwsCode(() => buildOutputs(dir, 'a', {}), 'NO_PLATFORMIO_INI', /has no platformio\.ini/);
    writeFileSync(join(dir, 'platformio.ini'), '[env:a]\n');
    throwsCode(() => buildOutputs(dir, 'z', {}), 'UNKNOWN_ENV', /known environments: a/);
  });
});

describe('extra_configs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-pio-extra-'));
    mkdirSync(join(dir, 'ini/boards'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('merges the files it names (globs, ** included) in name order, later files overriding earlier ones', () => {
    // A layout like Marlin's: the environments live in ini/*.ini.
    writeFileSync(
      join(dir, 'platformio.ini'),
      '[platformio]\nextra_configs =\n  ini/*.ini\n  ini/**/rev*.ini\ndefault_envs = u585\n[common]\nflags = -DBASE\n',
    );
    writeFileSync(join(dir, 'ini/a_stm32.ini'), '[env:u585]\nboard = b_u585i_iot02a\nbuild_flags = ${common.flags}\n');
    writeFileSync(join(dir, 'ini/b_sim.ini'), '[env:sim]\nextends = env:u585\n[common]\nflags = -DSIM\n');
    writeFileSync(join(dir, 'ini/boards/rev3.ini'), '[env:u585_rev3]\nextends = env:u585\n');
    writeFileSync(join(dir, 'ini/notes.txt'), '[env:ignored]\n');
    const cfg = ProjectConfig.load(dir, {});
    assert.deepEqual(cfg.envs(), ['u585', 'sim', 'u585_rev3']);
    assert.equal(cfg.envOption('sim', 'board'), 'b_u585i_iot02a');
    assert.equal(cfg.envOption('u585', 'build_flags'), '-DSIM');
    assert.equal(buildOutputs(dir, 'u585_rev3', {}).elf, join(dir, '.pio/build/u585_rev3/firmware.elf'));
  });

  it('names the extra file and line of a syntax error, and ignores a pattern that matches nothing', () => {
    writeFileSync(join(dir, 'platformio.ini'), '[platformio]\nextra_configs = ini/missing_*.ini, ini/bad.ini\n');
    writeFileSync(join(dir, 'ini/bad.ini'), '[env:x]\nnot an option\n');
    throwsCode(() => ProjectConfig.load(dir, {}), 'INI_SYNTAX', new RegExp(`${join(dir, 'ini/bad.ini')}:2: `));
  });
});
