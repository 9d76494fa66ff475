// The SVD reader on hand-written documents: derivedFrom, dim arrays, clusters, inherited properties, enums, bad input.
import { strict as assert } from 'node:assert';
import { SvdError, SvdErrorCode } from '../../../src/debug/svd/errors';
import type { SvdCluster, SvdPeripheral, SvdRegister } from '../../../src/debug/svd/model';
import { parseSvd } from '../../../src/debug/svd/parse';
import { svdDevice } from './svdText';
import { FIVE_MEGABYTES, syntheticSvd } from './syntheticSvd';

const reg = (p: SvdPeripheral | SvdCluster, name: string): SvdRegister => {
  const r = p.children.find((n) => n.name === name);
  assert.ok(r && r.kind === 'register', `register ${name}`);
  return r;
};
const periph = (dev: ReturnType<typeof parseSvd>, name: string): SvdPeripheral => {
  const p = dev.peripherals.find((x) => x.name === name);
  assert.ok(p, `peripheral ${name}`);
  return p;
};
/** Expects one SvdError, from parsing or (for a problem inside registers) from the first look at them. */
const rejects = (text: string, code: SvdErrorCode, message: RegExp): void =>
  assert.throws(
    () => parseSvd(text).peripherals.forEach((p) => p.children),
    (err: unknown) => err instanceof SvdError && err.code === code && message.test(err.message),
  );

const UART = `
<peripheral>
  <name>UART0</name><description>CMSDK APB UART</description><groupName>UART</groupName>
  <baseAddress>0x50200000</baseAddress>
  <addressBlock><offset>0</offset><size>0x1000</size><usage>registers</usage></addressBlock>
  <registers>
    <register><name>DATA</name><addressOffset>0x0</addressOffset><readAction>modify</readAction>
      <fields><field><name>DATA</name><bitRange>[7:0]</bitRange></field></fields></register>
    <register><name>CTRL</name><addressOffset>0x8</addressOffset><size>8</size>
      <fields>
        <field><name>TXEN</name><bitOffset>0</bitOffset><bitWidth>1</bitWidth>
          <enumeratedValues><name>Enable</name>
            <enumeratedValue><name>Disabled</name><value>0</value></enumeratedValue>
            <enumeratedValue><name>Enabled</name><value>1</value></enumeratedValue>
          </enumeratedValues></field>
        <field><name>MODE</name><lsb>4</lsb><msb>6</msb>
          <enumeratedValues>
            <enumeratedValue><name>Fast</name><value>#1x1</value></enumeratedValue>
            <enumeratedValue><name>Other</name><isDefault>true</isDefault></enumeratedValue>
          </enumeratedValues></field>
      </fields></register>
  </registers>
</peripheral>`;

describe('SVD reader', () => {
  it('reads peripherals, registers, fields in the three bit-range forms and enumerated values', () => {
    const dev = parseSvd(svdDevice(UART));
    assert.equal(dev.name, 'TESTDEV');
    const uart = periph(dev, 'UART0');
    assert.equal(uart.baseAddress, 0x50200000);
    assert.equal(uart.groupName, 'UART');
    assert.deepEqual(uart.addressBlocks, [{ offset: 0, size: 0x1000, usage: 'registers' }]);
    const data = reg(uart, 'DATA');
    assert.equal(data.readAction, 'modify');
    assert.equal(data.fields[0].readAction, 'modify', 'a field takes its register readAction');
    assert.deepEqual([data.fields[0].lsb, data.fields[0].msb], [0, 7]);
    const ctrl = reg(uart, 'CTRL');
    assert.equal(ctrl.addressOffset, 8);
    assert.equal(ctrl.size, 8);
    const [txen, mode] = ctrl.fields;
    assert.deepEqual([txen.lsb, txen.msb], [0, 0]);
    assert.deepEqual(
      txen.enums.map((e) => [e.name, e.value]),
      [
        ['Disabled', 0n],
        ['Enabled', 1n],
      ],
    );
    assert.deepEqual([mode.lsb, mode.msb], [4, 6]);
    assert.deepEqual(
      mode.enums.map((e) => [e.name, e.value, e.care, e.isDefault]),
      [
        ['Fast', 0b101n, 0b101n, false],
        ['Other', 0n, 0n, true],
      ],
    );
  });

  it('inherits size, access and resetValue from device to peripheral to cluster to register', () => {
    const dev = parseSvd(
      svdDevice(
        `<peripheral><name>P</name><baseAddress>0x40000000</baseAddress><access>read-only</access>
          <registers>
            <register><name>A</name><addressOffset>0</addressOffset></register>
            <register><name>B</name><addressOffset>4</addressOffset><access>write-only</access><size>32</size></register>
            <cluster><name>C</name><addressOffset>0x100</addressOffset><size>8</size><resetValue>0x5A</resetValue>
              <register><name>D</name><addressOffset>1</addressOffset>
                <fields><field><name>F</name><bitOffset>0</bitOffset><bitWidth>2</bitWidth></field></fields></register>
              <register><name>E</name><addressOffset>2</addressOffset><access>read-write</access><resetValue>0</resetValue></register>
            </cluster>
          </registers></peripheral>`,
        '<size>16</size><access>read-write</access><resetValue>0x1234</resetValue><resetMask>0xFFFF</resetMask>',
      ),
    );
    const p = periph(dev, 'P');
    const a = reg(p, 'A');
    assert.deepEqual([a.size, a.access, a.resetValue, a.resetMask], [16, 'read-only', 0x1234n, 0xffffn]);
    const b = reg(p, 'B');
    assert.deepEqual([b.size, b.access], [32, 'write-only']);
    const c = p.children.find((n) => n.name === 'C') as SvdCluster;
    assert.equal(c.kind, 'cluster');
    assert.equal(c.addressOffset, 0x100);
    const d = reg(c, 'D');
    assert.deepEqual([d.size, d.access, d.resetValue], [8, 'read-only', 0x5an]);
    assert.equal(d.fields[0].access, 'read-only', 'a field takes its register access');
    const e = reg(c, 'E');
    assert.deepEqual([e.size, e.access, e.resetValue], [8, 'read-write', 0n]);
  });

  it('expands dim arrays and lists of registers, clusters, fields and peripherals', () => {
    const dev = parseSvd(
      svdDevice(
        `<peripheral><dim>2</dim><dimIncrement>0x1000</dimIncrement><dimIndex>A,B</dimIndex>
          <name>GPIO%s</name><description>port %s</description><baseAddress>0x42020000</baseAddress>
          <registers>
            <register><dim>4</dim><dimIncrement>4</dimIncrement><name>AFR[%s]</name><addressOffset>0x20</addressOffset>
              <fields><field><dim>3</dim><dimIncrement>4</dimIncrement><dimIndex>0-2</dimIndex><name>SEL%s</name>
                <bitOffset>0</bitOffset><bitWidth>4</bitWidth></field></fields></register>
            <cluster><dim>2</dim><dimIncrement>0x10</dimIncrement><name>CH%s</name><addressOffset>0x40</addressOffset>
              <register><name>CR</name><addressOffset>4</addressOffset></register></cluster>
          </registers></peripheral>`,
      ),
    );
    assert.deepEqual(
      dev.peripherals.map((p) => [p.name, p.baseAddress, p.description]),
      [
        ['GPIOA', 0x42020000, 'port A'],
        ['GPIOB', 0x42021000, 'port B'],
      ],
    );
    const a = periph(dev, 'GPIOA');
    const afr = a.children.filter((n) => n.name.startsWith('AFR'));
    assert.deepEqual(
      afr.map((r) => [r.name, r.addressOffset]),
      [
        ['AFR[0]', 0x20],
        ['AFR[1]', 0x24],
        ['AFR[2]', 0x28],
        ['AFR[3]', 0x2c],
      ],
    );
    assert.deepEqual(
      (afr[0] as SvdRegister).fields.map((f) => [f.name, f.lsb, f.msb]),
      [
        ['SEL0', 0, 3],
        ['SEL1', 4, 7],
        ['SEL2', 8, 11],
      ],
    );
    const chs = a.children.filter((n) => n.kind === 'cluster');
    assert.deepEqual(
      chs.map((c) => [c.name, c.addressOffset]),
      [
        ['CH0', 0x40],
        ['CH1', 0x50],
      ],
    );
  });

  it('resolves derivedFrom for peripherals (chains, overrides), registers, fields and enumeratedValues', () => {
    const dev = parseSvd(
      svdDevice(
        `${UART}
        <peripheral derivedFrom="UART0"><name>UART1</name><baseAddress>0x50201000</baseAddress></peripheral>
        <peripheral derivedFrom="UART1"><name>UART2</name><description>third</description><baseAddress>0x50202000</baseAddress></peripheral>
        <peripheral><name>T</name><baseAddress>0x40000000</baseAddress><registers>
          <register><name>LOAD</name><addressOffset>0</addressOffset><resetValue>7</resetValue>
            <fields><field><name>EN</name><bitOffset>0</bitOffset><bitWidth>1</bitWidth>
              <enumeratedValues derivedFrom="Enable"/></field>
            <field derivedFrom="EN"><name>EN2</name><bitOffset>1</bitOffset></field></fields></register>
          <register derivedFrom="LOAD"><name>LOAD2</name><addressOffset>4</addressOffset></register>
          <register derivedFrom="UART0.CTRL"><name>CTRLCOPY</name><addressOffset>8</addressOffset></register>
        </registers></peripheral>`,
      ),
    );
    const u0 = periph(dev, 'UART0');
    const u1 = periph(dev, 'UART1');
    const u2 = periph(dev, 'UART2');
    assert.equal(u1.baseAddress, 0x50201000);
    assert.equal(u1.description, 'CMSDK APB UART', 'inherits what it does not set');
    assert.equal(u2.description, 'third');
    assert.equal(u2.baseAddress, 0x50202000);
    assert.deepEqual(
      u2.children.map((n) => n.name),
      u0.children.map((n) => n.name),
    );
    const t = periph(dev, 'T');
    const load = reg(t, 'LOAD');
    assert.deepEqual(
      load.fields[0].enums.map((e) => e.name),
      ['Disabled', 'Enabled'],
    );
    assert.deepEqual([load.fields[1].name, load.fields[1].lsb, load.fields[1].enums.length], ['EN2', 1, 2]);
    const load2 = reg(t, 'LOAD2');
    assert.deepEqual([load2.addressOffset, load2.resetValue, load2.fields.length], [4, 7n, 2]);
    const copy = reg(t, 'CTRLCOPY');
    assert.deepEqual([copy.addressOffset, copy.size, copy.fields[0].name], [8, 8, 'TXEN']);
  });

  it('refuses bad input with one message naming what is wrong', () => {
    rejects('this is not XML at all <', SvdErrorCode.NotXml, /not well-formed XML at line 1/);
    rejects('<device><name>x</name><peripherals>', SvdErrorCode.NotXml, /not well-formed XML/);
    rejects(
      '<project><name>x</name></project>',
      SvdErrorCode.NotSvd,
      /no <device> element: this is not a CMSIS-SVD file/,
    );
    rejects('<device><name>x</name></device>', SvdErrorCode.NotSvd, /has no <peripherals>/);
    rejects(
      svdDevice(`<peripheral derivedFrom="TIM99"><name>TIM3</name><baseAddress>0</baseAddress></peripheral>`),
      SvdErrorCode.UnknownDerivedFrom,
      /^peripheral TIM3 derives from "TIM99", which the file does not define$/,
    );
    rejects(
      svdDevice(
        `<peripheral derivedFrom="B"><name>A</name></peripheral><peripheral derivedFrom="A"><name>B</name></peripheral>`,
      ),
      SvdErrorCode.UnknownDerivedFrom,
      /derives from itself/,
    );
    rejects(
      svdDevice(`<peripheral><name>P</name></peripheral>`),
      SvdErrorCode.NotSvd,
      /peripheral P has no <baseAddress>/,
    );
    rejects(
      svdDevice(`<peripheral><name>P</name><baseAddress>0x4000_0000</baseAddress></peripheral>`),
      SvdErrorCode.BadValue,
      /peripheral P baseAddress is "0x4000_0000", not a number/,
    );
    rejects(
      svdDevice(
        `<peripheral><name>P</name><baseAddress>0</baseAddress><registers><register><name>R</name>
          <addressOffset>0</addressOffset><access>sometimes</access></register></registers></peripheral>`,
      ),
      SvdErrorCode.BadValue,
      /peripheral P register R access is "sometimes"/,
    );
  });
});

describe('SVD reader on a vendor-sized file', () => {
  it('opens a generated 5 MB SVD and reads any peripheral, derived ones included', function () {
    this.timeout(60_000);
    const text = syntheticSvd(FIVE_MEGABYTES);
    assert.ok(text.length > 4_500_000, `${text.length} bytes`);
    const dev = parseSvd(text);
    assert.equal(dev.peripherals.length, FIVE_MEGABYTES.peripherals * (1 + FIVE_MEGABYTES.derived));
    const last = dev.peripherals[dev.peripherals.length - 1];
    assert.equal(last.name, `P${FIVE_MEGABYTES.peripherals - 1}_${FIVE_MEGABYTES.derived}`);
    // 40 registers, every fourth a dim array of two.
    assert.equal(last.children.length, 50);
    const r3 = last.children.find((n) => n.name === 'R3_1') as SvdRegister;
    assert.equal(r3.addressOffset, 0x18 + 4);
    assert.deepEqual(
      r3.fields[5].enums.map((e) => e.name),
      ['OFF', 'ON'],
    );
    assert.equal(dev.peripherals[0].children, dev.peripherals[1].children, 'derived peripherals share their registers');
  });
});
