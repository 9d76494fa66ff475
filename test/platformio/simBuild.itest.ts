// Building the sample firmware's sim environment with the real ARM toolchain, and reading the result back.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findSymbol, flatImage, parseElf, readStringSymbol } from '../../src/platformio/elf';
import { FirmwareError } from '../../src/platformio/firmwareErrors';
import { buildSimFirmware } from '../../src/platformio/simBuild';

const EXAMPLE = join(__dirname, '../../examples/u5-sensor');

describe('sim firmware build (arm-none-eabi-gcc)', function () {
  let work: string;
  let project: string;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'outpost-simbuild-'));
    project = join(work, 'u5-sensor');
    cpSync(EXAMPLE, project, { recursive: true, filter: (src) => !src.includes('.pio') });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('builds firmware.elf and firmware.bin into PlatformIO layout, version and build id readable', async () => {
    const out = await buildSimFirmware({ projectDir: project });
    assert.equal(out.elf, join(project, '.pio/build/sim/firmware.elf'));
    assert.equal(out.bin, join(project, '.pio/build/sim/firmware.bin'));
    const elf = parseElf(readFileSync(out.elf), out.elf);
    assert.equal(readStringSymbol(elf, 'fw_version'), '1.0.0');
    const readelf = execFileSync('arm-none-eabi-readelf', ['-n', out.elf], { encoding: 'utf8' });
    assert.match(readelf, new RegExp(`Build ID: ${out.buildId}`));
    assert.equal(elf.buildId, out.buildId);
  });

  it('reads symbols and the flash image exactly as binutils do', async () => {
    const out = await buildSimFirmware({ projectDir: project });
    const elf = parseElf(readFileSync(out.elf));
    const nm = execFileSync('arm-none-eabi-nm', [out.elf], { encoding: 'utf8' });
    for (const name of ['main', 'sensor_step', 'hard_fault_report', 'g_sensor', 'vector_table']) {
      const line = nm.split('\n').find((l) => l.endsWith(` ${name}`));
      assert.ok(line, `${name} not in nm output`);
      assert.equal(findSymbol(elf, name)?.address, parseInt(line.split(' ')[0]!, 16), name);
    }
    const image = flatImage(elf);
    assert.equal(image.address, 0x10000000);
    assert.ok(Buffer.from(image.data).equals(readFileSync(out.bin)), 'flat image differs from objcopy -O binary');
    // The vector table stays at the reset address despite the build id note: SP then Reset_Handler (Thumb).
    const view = Buffer.from(image.data);
    assert.equal(view.readUInt32LE(0), 0x38200000);
    assert.equal(view.readUInt32LE(4), findSymbol(elf, 'Reset_Handler')!.address | 1);
  });

  it('skips the work when nothing changed, rebuilds when a source did', async () => {
    const first = await buildSimFirmware({ projectDir: project });
    const again = await buildSimFirmware({ projectDir: project });
    assert.equal(again.built, false);
    assert.equal(again.buildId, first.buildId);
    appendFileSync(join(project, 'src/main.c'), '\nint outpost_test_marker(void) { return 42; }\n');
    const changed = await buildSimFirmware({ projectDir: project });
    assert.equal(changed.built, true);
    assert.notEqual(changed.buildId, first.buildId);
  });

  it('builds a variant with another version into another folder', async () => {
    const outDir = join(work, 'v2');
    const v2 = await buildSimFirmware({ projectDir: project, outDir, version: '2.0.0' });
    assert.equal(v2.elf, join(outDir, 'firmware.elf'));
    assert.equal(readStringSymbol(parseElf(readFileSync(v2.elf)), 'fw_version'), '2.0.0');
    const base = await buildSimFirmware({ projectDir: project });
    assert.notEqual(v2.buildId, base.buildId);
    assert.equal(readStringSymbol(parseElf(readFileSync(base.elf)), 'fw_version'), '1.0.0');
  });

  it('reports a compile error with the compiler line, leaving the previous build in place', async () => {
    const before = await buildSimFirmware({ projectDir: project });
    appendFileSync(join(project, 'src/sensor.c'), '\nint broken( {\n');
    await assert.rejects(buildSimFirmware({ projectDir: project }), (err: unknown) => {
      assert.ok(err instanceof FirmwareError);
      assert.equal(err.code, 'BUILD_FAILED');
      assert.match(err.message, /sensor\.c:\d+:\d+: error/);
      return true;
    });
    assert.equal(parseElf(readFileSync(before.elf)).buildId, before.buildId);
  });

  it('names the Debian package when the compiler is missing', async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = join(work, 'empty-bin');
    try {
      await assert.rejects(buildSimFirmware({ projectDir: EXAMPLE, outDir: join(work, 'nogcc') }), (err: unknown) => {
        assert.ok(err instanceof FirmwareError);
        assert.equal(err.code, 'TOOLCHAIN_MISSING');
        assert.match(err.message, /gcc-arm-none-eabi/);
        return true;
      });
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
