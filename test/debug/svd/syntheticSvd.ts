// A generated SVD the size of a vendor file (ST's STM32U585.svd is ~5 MB), for the reader's scale test; run it
// directly (`npx tsx test/debug/svd/syntheticSvd.ts`) to print its size and parse time.
import { performance } from 'node:perf_hooks';
import { parseSvd } from '../../../src/debug/svd/parse';
import { svdDevice } from './svdText';

/** The shape of the generated file: `peripherals` base peripherals, each followed by `derived` copies. */
export interface SyntheticShape {
  peripherals: number;
  derived: number;
  registers: number;
  fields: number;
}

/** About 5 MB of SVD text. */
export const FIVE_MEGABYTES: SyntheticShape = { peripherals: 45, derived: 2, registers: 40, fields: 6 };

/** An SVD document with the given shape; every field has two enumerated values, every fourth register is a dim array. */
export function syntheticSvd(shape: SyntheticShape): string {
  const parts: string[] = [];
  for (let p = 0; p < shape.peripherals; p++) {
    const regs: string[] = [];
    for (let r = 0; r < shape.registers; r++) {
      const fields: string[] = [];
      for (let f = 0; f < shape.fields; f++) {
        fields.push(`<field><name>F${f}</name><description>field ${f} of register ${r}, a description as long as vendors write them</description>
<bitOffset>${f * 4}</bitOffset><bitWidth>4</bitWidth><access>read-write</access>
<enumeratedValues><enumeratedValue><name>OFF</name><description>off</description><value>0</value></enumeratedValue>
<enumeratedValue><name>ON</name><description>on</description><value>1</value></enumeratedValue></enumeratedValues></field>`);
      }
      const dim = r % 4 === 3 ? '<dim>2</dim><dimIncrement>0x4</dimIncrement>' : '';
      const name = dim ? `R${r}_%s` : `R${r}`;
      regs.push(`<register>${dim}<name>${name}</name><description>register ${r}</description>
<addressOffset>0x${(r * 8).toString(16)}</addressOffset><size>0x20</size><resetValue>0x00000000</resetValue>
<fields>${fields.join('\n')}</fields></register>`);
    }
    const base = 0x40000000 + p * 0x10000;
    parts.push(`<peripheral><name>P${p}</name><description>peripheral ${p}</description><groupName>G${p % 10}</groupName>
<baseAddress>0x${base.toString(16)}</baseAddress>
<addressBlock><offset>0x0</offset><size>0x400</size><usage>registers</usage></addressBlock>
<registers>${regs.join('\n')}</registers></peripheral>`);
    for (let d = 1; d <= shape.derived; d++) {
      parts.push(
        `<peripheral derivedFrom="P${p}"><name>P${p}_${d}</name><baseAddress>0x${(base + d * 0x1000).toString(16)}</baseAddress></peripheral>`,
      );
    }
  }
  return svdDevice(parts.join('\n'));
}

if (require.main === module) {
  const text = syntheticSvd(FIVE_MEGABYTES);
  const open: number[] = [];
  const all: number[] = [];
  let peripherals = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const dev = parseSvd(text);
    const t1 = performance.now();
    peripherals = dev.peripherals.reduce((n, p) => n + (p.children.length > 0 ? 1 : 0), 0);
    open.push(t1 - t0);
    all.push(performance.now() - t0);
  }
  const mb = (Buffer.byteLength(text) / 1e6).toFixed(1);
  const ms = (runs: number[]): string => runs.map((r) => Math.round(r)).join(', ');
  console.log(
    `${mb} MB, ${peripherals} peripherals: open ${ms(open)} ms; every peripheral's registers too ${ms(all)} ms`,
  );
}
