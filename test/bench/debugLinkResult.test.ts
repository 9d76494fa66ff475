// The debug-link benchmark's counting and charting: packets split across chunks, commands per request window, SVG.
import assert from 'node:assert/strict';
import { barChartSvg } from '../../bench/support/barChart';
import { commandsIn, compareLegs, legFigures, packetKind } from '../../bench/support/debugLinkResult';
import { RspPacketScanner } from '../../bench/support/rspCountingForward';

describe('debug-link benchmark counting', () => {
  it('finds RSP packets split across chunks, with interrupts, and not acks', () => {
    const scan = new RspPacketScanner();
    assert.deepEqual(scan.feed(Buffer.from('+$m2000')), []);
    assert.deepEqual(scan.feed(Buffer.from('0000,4#a')), []);
    assert.deepEqual(scan.feed(Buffer.from('b+$g#67\x03')), ['m20000000,4', 'g', '^C']);
  });

  it('names commands without their arguments', () => {
    assert.deepEqual(
      ['m20000000,4', 'vCont;s:1', 'Z0,10000400,2', 'qXfer:features:read:target.xml:0,fff', 'qfThreadInfo', 'g'].map(
        packetKind,
      ),
      ['m', 'vCont;s', 'Z0', 'qXfer:features', 'qfThreadInfo', 'g'],
    );
  });

  it('assigns GDB commands to the request whose window holds them and compares the legs', () => {
    const packets = [
      { t: 100, d: 'c' as const, p: 'g' },
      { t: 150, d: 's' as const, p: '00ff' },
      { t: 200, d: 'c' as const, p: 'vCont;s:1' },
      { t: 400, d: 'c' as const, p: 'm0,4' },
    ];
    const next = { name: 'next', start: 90, end: 300 };
    assert.deepEqual(
      commandsIn(next, packets).map((p) => p.p),
      ['g', 'vCont;s:1'],
    );
    const plain = legFigures([{ timed: [next], packets }], 100);
    const outpost = legFigures([{ timed: [{ name: 'next', start: 0, end: 420 }], packets }], 100);
    const [row] = compareLegs(plain, outpost);
    assert.equal(row.plain?.rtts, 2.1);
    assert.equal(row.plain?.packets, 2);
    assert.equal(row.outpost?.packets, 3);
    assert.equal(row.ratio, 2);
  });

  it('draws one bar per measured value and escapes labels', () => {
    const svg = barChartSvg({
      title: 'a <b>',
      unit: 'RTT',
      labels: ['next', 'attach'],
      series: [
        { name: 'plain', values: [20, null] },
        { name: 'outpost', values: [21, 40] },
      ],
      targets: [2, null],
    });
    assert.match(svg, /^<svg /);
    assert.equal((svg.match(/<rect x="250" y="\d+" width="\d+\.\d"/g) ?? []).length, 3);
    assert.ok(svg.includes('a &lt;b&gt;'));
    assert.equal((svg.match(/stroke-dasharray/g) ?? []).length, 1);
  });
});
