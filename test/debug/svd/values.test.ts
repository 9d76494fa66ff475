// Register values: the read plan (fewest reads, never a side-effect register), decoding, and field writes that
// leave write-one-to-clear neighbours alone.
import { strict as assert } from 'node:assert';
import { fieldValue, formatField, formatRegister, registerBytes, registerValue } from '../../../src/debug/svd/decode';
import { fieldWriteValue, parseInput } from '../../../src/debug/svd/encode';
import { SvdError } from '../../../src/debug/svd/errors';
import { peripheralRegisters } from '../../../src/debug/svd/layout';
import type { SvdRegister } from '../../../src/debug/svd/model';
import { parseSvd } from '../../../src/debug/svd/parse';
import { planReads } from '../../../src/debug/svd/readPlan';
import { svdDevice } from './svdText';

const r = (name: string, offset: number, extra = ''): string =>
  `<register><name>${name}</name><addressOffset>${offset}</addressOffset>${extra}</register>`;

function peripheral(
  registers: string,
  block = '<addressBlock><offset>0</offset><size>0x100</size><usage>registers</usage></addressBlock>',
) {
  return parseSvd(
    svdDevice(
      `<peripheral><name>P</name><baseAddress>0x40000000</baseAddress>${block}<registers>${registers}</registers></peripheral>`,
    ),
  ).peripherals[0];
}

describe('SVD read plan', () => {
  it('reads touching and nearby registers in one run and skips side-effect and write-only registers', () => {
    const p = peripheral(
      r('A', 0) +
        r('B', 4) +
        r('C', 0x10) +
        r('FIFO', 0x14, '<readAction>modify</readAction>') +
        r('D', 0x18) +
        r('W', 0x1c, '<access>write-only</access>') +
        r('E', 0x20) +
        r('F', 0x80) +
        `<cluster><name>CL</name><addressOffset>0x84</addressOffset>${r('G', 0)}</cluster>`,
    );
    const runs = planReads(peripheralRegisters(p), p.baseAddress, p.addressBlocks);
    assert.deepEqual(
      runs.map((run) => [run.address - p.baseAddress, run.length, run.registers.map((x) => x.path)]),
      [
        [0x00, 0x14, ['A', 'B', 'C']],
        [0x18, 4, ['D']],
        [0x20, 4, ['E']],
        [0x80, 8, ['F', 'CL.G']],
      ],
    );
  });

  it('bridges a gap only inside a declared address block', () => {
    const p = peripheral(r('A', 0) + r('B', 8), '');
    const runs = planReads(peripheralRegisters(p), p.baseAddress, p.addressBlocks);
    assert.equal(runs.length, 2);
  });

  it('treats a field readAction as a side effect of reading its register', () => {
    const p = peripheral(
      r(
        'CSR',
        0,
        '<fields><field><name>COUNTFLAG</name><bitOffset>16</bitOffset><bitWidth>1</bitWidth><readAction>clear</readAction></field></fields>',
      ) + r('RVR', 4),
    );
    const runs = planReads(peripheralRegisters(p), p.baseAddress, p.addressBlocks);
    assert.deepEqual(
      runs.map((run) => run.registers.map((x) => x.path)),
      [['RVR']],
    );
  });
});

describe('SVD register values', () => {
  const reg = peripheral(
    r(
      'SR',
      0,
      `<fields>
        <field><name>EN</name><bitOffset>0</bitOffset><bitWidth>1</bitWidth>
          <enumeratedValues><enumeratedValue><name>Off</name><value>0</value></enumeratedValue>
          <enumeratedValue><name>On</name><value>1</value></enumeratedValue></enumeratedValues></field>
        <field><name>OVR</name><bitOffset>1</bitOffset><bitWidth>1</bitWidth><modifiedWriteValues>oneToClear</modifiedWriteValues></field>
        <field><name>NKEY</name><bitOffset>2</bitOffset><bitWidth>1</bitWidth><modifiedWriteValues>zeroToClear</modifiedWriteValues></field>
        <field><name>KEY</name><bitOffset>8</bitOffset><bitWidth>8</bitWidth><access>write-only</access></field>
        <field><name>DIV</name><bitOffset>16</bitOffset><bitWidth>12</bitWidth></field>
      </fields>`,
    ),
  ).children[0] as SvdRegister;
  const field = (name: string) => reg.fields.find((f) => f.name === name)!;

  it('decodes little-endian values, fields and enumerated names', () => {
    const v = registerValue(Uint8Array.from([0xff, 0x03, 0x40, 0x01, 0xee]), 1, 32);
    assert.equal(v, 0xee014003n);
    assert.deepEqual(registerBytes(0x01234567n, 32), Uint8Array.from([0x67, 0x45, 0x23, 0x01]));
    assert.equal(formatRegister(0xbn, 32), '0x0000000b');
    assert.equal(formatField(fieldValue(0x0abc0001n, field('EN')), field('EN')), '1 (On)');
    assert.equal(formatField(fieldValue(0x0abc0001n, field('DIV')), field('DIV')), '0xabc');
  });

  it('changes one field without clearing write-one-to-clear flags or setting write-only bits', () => {
    // Read back: EN on, OVR pending (1), NKEY 1, KEY reads as junk, DIV 0x123.
    const current = 0x0123ff07n;
    const next = fieldWriteValue(current, reg, field('DIV'), 0x456n);
    assert.equal(next & 0x1n, 1n, 'EN kept');
    assert.equal(next & 0x2n, 0n, 'OVR: writing its 1 back would clear it');
    assert.equal(next & 0x4n, 0x4n, 'NKEY: a 0 would clear it');
    assert.equal(next & 0xff00n, 0n, 'KEY is write-only');
    assert.equal(fieldValue(next, field('DIV')), 0x456n);
  });

  it('takes numbers and enumerated names as typed, and refuses what does not fit', () => {
    assert.equal(parseInput('0x1f', 12), 0x1fn);
    assert.equal(parseInput('0b101', 12), 5n);
    assert.equal(parseInput('on', 1, field('EN')), 1n);
    assert.equal(parseInput('1 (On)', 1, field('EN')), 1n);
    assert.throws(
      () => parseInput('4096', 12),
      (e: unknown) => e instanceof SvdError && /does not fit in 12 bits/.test(e.message),
    );
    assert.throws(() => parseInput('maybe', 1, field('EN')), /"maybe" is not a number .*one of Off, On/);
  });
});
