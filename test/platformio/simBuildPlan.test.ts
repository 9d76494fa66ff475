// How the sim build turns platformio.ini values into a compiler command: flags, source filter, overrides.
import assert from 'node:assert/strict';
import { normalizeDefines, splitFlags } from '../../src/platformio/buildFlags';
import { FirmwareError } from '../../src/platformio/firmwareErrors';
import { simCompilerArgs, type SimBuildInputs } from '../../src/platformio/simBuildPlan';
import { applySrcFilter } from '../../src/platformio/srcFilter';

const inputs: SimBuildInputs = {
  sources: ['/p/src/main.c', '/p/src/board_sim.c'],
  includeDirs: ['/p/include', '/p/src'],
  ldscript: '/p/boards/sim/link.ld',
  buildFlags: ['-Wall', '-Wl,--build-id', '-D FW_VERSION=\\"1.0.0\\"', '-DBOARD_REV=3'],
  buildUnflags: [],
  buildType: 'debug',
};

describe('sim build plan', () => {
  it('splits build_flags like a shell: quotes and escaped quotes survive', () => {
    assert.deepEqual(splitFlags(['-D FW_VERSION=\\"1.0.0\\"', "-D 'NAME=a b'", '-Wall   -Wextra']), [
      '-D',
      'FW_VERSION="1.0.0"',
      '-D',
      'NAME=a b',
      '-Wall',
      '-Wextra',
    ]);
    assert.deepEqual(normalizeDefines(['-D', 'X=1', '-Wall', '-I', 'inc']), ['-DX=1', '-Wall', '-Iinc']);
  });

  it('selects sources with build_src_filter, in order, folders included', () => {
    const files = ['main.c', 'board_sim.c', 'board_nucleo.c', 'drivers/uart.c', 'drivers/spi.c'];
    assert.deepEqual(applySrcFilter(files, '+<*> -<board_nucleo.c>'), [
      'main.c',
      'board_sim.c',
      'drivers/uart.c',
      'drivers/spi.c',
    ]);
    assert.deepEqual(applySrcFilter(files, '+<*> -<drivers/> +<drivers/uart.c>'), [
      'main.c',
      'board_sim.c',
      'board_nucleo.c',
      'drivers/uart.c',
    ]);
    assert.deepEqual(applySrcFilter(files, '+<board_*.c>'), ['board_sim.c', 'board_nucleo.c']);
    assert.deepEqual(applySrcFilter(files, undefined), files);
  });

  it('compiles for the Cortex-M33 with -Og -g, the linker script and the build id', () => {
    const args = simCompilerArgs(inputs, '/out/firmware.elf');
    for (const flag of ['-mcpu=cortex-m33', '-mthumb', '-Og', '-g2', '-Wl,--build-id', '-T/p/boards/sim/link.ld']) {
      assert.ok(args.includes(flag), `${flag} missing from ${args.join(' ')}`);
    }
    assert.ok(args.includes('-DFW_VERSION="1.0.0"'));
    assert.deepEqual(args.slice(-3), ['-lgcc', '-o', '/out/firmware.elf']);
  });

  it('replaces FW_VERSION when a version is given, and adds extra defines', () => {
    const args = simCompilerArgs({ ...inputs, version: '2.1.0', defines: { BOARD_REV: 4 } }, 'x.elf');
    assert.deepEqual(
      args.filter((a) => a.startsWith('-DFW_VERSION') || a.startsWith('-DBOARD_REV')),
      ['-DFW_VERSION="2.1.0"', '-DBOARD_REV=4'],
    );
  });

  it('honours build_unflags and build_type = release', () => {
    const args = simCompilerArgs({ ...inputs, buildUnflags: ['-Wall'], buildType: 'release' }, 'x.elf');
    assert.ok(!args.includes('-Wall'));
    assert.ok(args.includes('-Os') && !args.includes('-Og'));
  });

  it('refuses a version that could break out of the C string, and an empty source list', () => {
    assert.throws(
      () => simCompilerArgs({ ...inputs, version: '1.0"; evil(); "' }, 'x.elf'),
      (e: unknown) => e instanceof FirmwareError && e.code === 'BAD_VERSION',
    );
    assert.throws(
      () => simCompilerArgs({ ...inputs, sources: [] }, 'x.elf'),
      (e: unknown) => e instanceof FirmwareError && e.code === 'NO_SOURCES',
    );
  });
});
