// GDB discovery: the order of places looked at, and one error that lists them all.
import { strict as assert } from 'node:assert';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DebugError, ErrorCode } from '../../../src/debug/errors';
import { findGdb } from '../../../src/debug/gdb/gdbDiscovery';

describe('findGdb', () => {
  let root: string;
  const exe = (path: string): string => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, 0o755);
    return path;
  };
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'outpost-gdb-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('prefers launch.json gdbPath, then the setting', () => {
    const a = exe(join(root, 'a', 'gdb'));
    const b = exe(join(root, 'b', 'gdb'));
    assert.deepEqual(findGdb({ launchGdbPath: a, settingGdbPath: b, homeDir: root, pathEnv: '' }), {
      path: a,
      source: 'launch.json gdbPath',
    });
    assert.deepEqual(findGdb({ settingGdbPath: b, homeDir: root, pathEnv: '' }), {
      path: b,
      source: 'setting outpost.gdbPath',
    });
  });

  it('refuses a chosen path that is missing instead of silently using another GDB', () => {
    exe(join(root, 'bin', 'gdb-multiarch'));
    assert.throws(
      () => findGdb({ launchGdbPath: join(root, 'nope'), homeDir: root, pathEnv: join(root, 'bin') }),
      (e: DebugError) =>
        e.code === ErrorCode.GdbNotFound && /GDB not found at .*nope \(launch.json gdbPath\)/.test(e.message),
    );
  });

  it("then takes PlatformIO's toolchain GDB, then gdb-multiarch and arm-none-eabi-gdb on PATH", () => {
    const pio = exe(join(root, '.platformio', 'packages', 'toolchain-gccarmnoneeabi', 'bin', 'arm-none-eabi-gdb'));
    const multi = exe(join(root, 'bin1', 'gdb-multiarch'));
    const arm = exe(join(root, 'bin2', 'arm-none-eabi-gdb'));
    const pathEnv = [join(root, 'bin2'), join(root, 'bin1')].join(':');
    assert.deepEqual(findGdb({ homeDir: root, pathEnv }), { path: pio, source: 'PlatformIO toolchain' });
    rmSync(pio);
    assert.deepEqual(findGdb({ homeDir: root, pathEnv }), { path: multi, source: 'PATH' });
    rmSync(multi);
    assert.deepEqual(findGdb({ homeDir: root, pathEnv }), { path: arm, source: 'PATH' });
  });

  it('ignores files that are not executable', () => {
    const f = join(root, 'bin', 'gdb-multiarch');
    mkdirSync(join(root, 'bin'));
    writeFileSync(f, 'not a program');
    assert.throws(() => findGdb({ homeDir: root, pathEnv: join(root, 'bin') }), DebugError);
  });

  it('lists every place it tried when nothing is found', () => {
    assert.throws(
      () => findGdb({ homeDir: root, pathEnv: join(root, 'empty') }),
      (e: DebugError) =>
        e.code === ErrorCode.GdbNotFound &&
        e.message.includes(
          join(root, '.platformio', 'packages', 'toolchain-gccarmnoneeabi', 'bin', 'arm-none-eabi-gdb'),
        ) &&
        e.message.includes('gdb-multiarch on PATH') &&
        e.message.includes('arm-none-eabi-gdb on PATH') &&
        e.message.includes('set "gdbPath" in launch.json'),
    );
  });
});
