// The Peripherals scope (launch.json svdFile) against the sample firmware under QEMU, through the stdio adapter:
// registers read while halted match the memory they live in, fields decode, and writes reach the hardware.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  attachArgs,
  buildAdapter,
  buildFirmware,
  EventQueue,
  sampleProject,
  SimDevice,
  startClient,
  stopClient,
} from './harness';
import { stopAtReport } from './scenarios';

const svdFile = join(sampleProject, 'boards', 'sim', 'mps2-an505.svd');

describe('debug adapter: peripheral registers from svdFile (QEMU, gdb-multiarch)', function () {
  this.timeout(90_000);
  let adapter: string;
  let elf: string;
  let dev: SimDevice;
  let dc: DebugClient;
  let stops: EventQueue<DebugProtocol.StoppedEvent>;
  let outputs: EventQueue<DebugProtocol.OutputEvent>;
  let scratch: string;

  before(async () => {
    [adapter, { elf }] = await Promise.all([buildAdapter(), buildFirmware()]);
    scratch = mkdtempSync(join(tmpdir(), 'outpost-svd-'));
  });

  after(() => rmSync(scratch, { recursive: true, force: true }));

  async function attach(title: string, svd: string): Promise<void> {
    dev = await SimDevice.start(elf);
    const c = await startClient(adapter, title);
    dc = c.dc;
    stops = c.stops;
    outputs = new EventQueue<DebugProtocol.OutputEvent>(dc, 'output');
    await dc.initializeRequest();
    await Promise.all([
      dc.waitForEvent('initialized'),
      dc.attachRequest(attachArgs(dev, elf, c.logFile, { svdFile: svd }) as DebugProtocol.AttachRequestArguments),
    ]);
  }

  afterEach(async () => {
    await stopClient(dc);
    await dev.stop();
  });

  const children = async (ref: number): Promise<DebugProtocol.Variable[]> =>
    (await dc.variablesRequest({ variablesReference: ref })).body.variables;
  const named = (vars: DebugProtocol.Variable[], name: string): DebugProtocol.Variable => {
    const v = vars.find((x) => x.name === name);
    assert.ok(v, `${name} among ${vars.map((x) => x.name).join(', ')}`);
    return v;
  };
  const word = async (address: string): Promise<number> => {
    const mem = await dc.customRequest('readMemory', { memoryReference: address, count: 4 });
    return Buffer.from(mem.body.data, 'base64').readUInt32LE(0);
  };
  /** The Peripherals scope of the innermost frame, then one peripheral's registers. */
  async function registersOf(peripheral: string): Promise<DebugProtocol.Variable[]> {
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    const scopes = (await dc.scopesRequest({ frameId: frames[0].id })).body.scopes;
    const scope = named(scopes as unknown as DebugProtocol.Variable[], 'Peripherals') as unknown as DebugProtocol.Scope;
    return children(named(await children(scope.variablesReference), peripheral).variablesReference);
  }

  it('shows the UART, SysTick and SCB registers as memory holds them, with fields decoded', async function () {
    await attach(this.test?.fullTitle() ?? 'peripherals', svdFile);
    const frames = await stopAtReport({ dc, stops, outputs, device: dev });
    const scopes = (await dc.scopesRequest({ frameId: frames[0].id })).body.scopes;
    assert.deepEqual(
      scopes.map((s) => [s.name, s.expensive]),
      [
        ['Locals', false],
        ['Statics', false],
        ['Registers', false],
        ['Peripherals', true],
      ],
    );
    const peripherals = await children(scopes[3].variablesReference);
    assert.deepEqual(
      peripherals.map((p) => [p.name, p.value]),
      [
        ['NVIC', '0xe000e100'],
        ['SCB', '0xe000ed00'],
        ['SysTick', '0xe000e010'],
        ['UART0', '0x50200000'],
      ],
    );

    const uart = await registersOf('UART0');
    assert.deepEqual(
      uart.map((r) => r.name),
      ['DATA', 'STATE', 'CTRL', 'INTSTATUS', 'BAUDDIV'],
    );
    // Reading DATA would take a received byte from the UART: it is never read.
    assert.equal(named(uart, 'DATA').value, 'not read: reading has side effects');
    for (const name of ['STATE', 'CTRL', 'INTSTATUS', 'BAUDDIV']) {
      const r = named(uart, name);
      assert.equal(Number(r.value), await word(r.memoryReference ?? ''), `${name} as memory holds it`);
    }
    const ctrl = named(uart, 'CTRL');
    assert.equal(ctrl.memoryReference, '0x50200008');
    // board_init: TX and RX on, the receive interrupt on.
    assert.equal(ctrl.value, '0x0000000b');
    const fields = await children(ctrl.variablesReference);
    assert.equal(named(fields, 'TXEN [0]').value, '1 (Enabled)');
    assert.equal(named(fields, 'RXEN [1]').value, '1 (Enabled)');
    assert.equal(named(fields, 'TXINTEN [2]').value, '0 (Disabled)');
    assert.equal(named(fields, 'RXINTEN [3]').value, '1 (Enabled)');
    assert.equal(named(await children(named(uart, 'BAUDDIV').variablesReference), 'BAUDDIV [19:0]').value, '0x10');

    const systick = await registersOf('SysTick');
    // Reading CSR clears COUNTFLAG; the reload value is what systick_start wrote for 1 kHz at 20 MHz.
    assert.equal(named(systick, 'CSR').value, 'not read: reading has side effects');
    assert.equal(named(systick, 'RVR').value, '0x' + (19_999).toString(16).padStart(8, '0'));
    const cpuid = named(await registersOf('SCB'), 'CPUID');
    assert.equal(cpuid.presentationHint?.attributes?.includes('readOnly'), true);
    const id = await children(cpuid.variablesReference);
    assert.equal(named(id, 'PARTNO [15:4]').value, '0xd21 (Cortex_M33)');
    assert.equal(named(id, 'IMPLEMENTER [31:24]').value, '0x41 (Arm)');
  });

  it('writes a field (read-modify-write) and a register; the hardware keeps them across a run', async function () {
    await attach(this.test?.fullTitle() ?? 'peripherals-write', svdFile);
    await stopAtReport({ dc, stops, outputs, device: dev });
    let uart = await registersOf('UART0');
    const ctrlRef = named(uart, 'CTRL').variablesReference;
    const set = await dc.setVariableRequest({ variablesReference: ctrlRef, name: 'RXINTEN [3]', value: 'Disabled' });
    assert.equal(set.body.value, '0 (Disabled)');
    // Only RXINTEN changed: TXEN and RXEN are still on.
    assert.equal(await word('0x50200008'), 0x3);
    assert.equal(named(await children(ctrlRef), 'RXINTEN [3]').value, '0 (Disabled)');

    const systick = await registersOf('SysTick');
    const rvrRef = named(systick, 'RVR').variablesReference;
    const reload = await dc.setVariableRequest({ variablesReference: rvrRef, name: 'RELOAD [23:0]', value: '39999' });
    assert.equal(reload.body.value, '0x9c3f');
    const peripheralsRef = (await dc.scopesRequest({ frameId: 1 })).body.scopes[3].variablesReference;
    const systickRef = named(await children(peripheralsRef), 'SysTick').variablesReference;
    const whole = await dc.setVariableRequest({ variablesReference: systickRef, name: 'RVR', value: '0x7a11' });
    assert.equal(whole.body.value, '0x00007a11');
    assert.equal(await word('0xe000e014'), 0x7a11);

    await assert.rejects(
      dc.setVariableRequest({ variablesReference: ctrlRef, name: 'TXEN [0]', value: 'banana' }),
      /"banana" is not a number .*, or one of Disabled, Enabled/,
    );
    const scbRef = named(await children(peripheralsRef), 'SCB').variablesReference;
    await assert.rejects(
      dc.setVariableRequest({ variablesReference: scbRef, name: 'CPUID', value: '0' }),
      /SCB.CPUID is read-only/,
    );

    // The firmware runs on to the next reading with the new values in place, and the scope reads them afresh.
    await dc.continueRequest({ threadId: 1 });
    assert.equal((await stops.next(30_000)).body.reason, 'breakpoint');
    uart = await registersOf('UART0');
    assert.equal(named(uart, 'CTRL').value, '0x00000003');
    assert.equal(named(await registersOf('SysTick'), 'RVR').value, '0x00007a11');
  });

  it('goes on without peripherals when the SVD cannot be used, saying why in one line', async function () {
    const broken = join(scratch, 'broken.svd');
    writeFileSync(
      broken,
      '<device><name>X</name><peripherals><peripheral derivedFrom="TIM99"><name>TIM3</name>' +
        '<baseAddress>0x40000400</baseAddress></peripheral></peripherals></device>',
    );
    for (const [file, why] of [
      [join(scratch, 'missing.svd'), 'no such file'],
      [broken, 'peripheral TIM3 derives from "TIM99", which the file does not define'],
    ]) {
      await attach(`${this.test?.fullTitle() ?? 'peripherals-bad'} ${why}`, file);
      let line: string | undefined;
      while (line === undefined) {
        const o = (await outputs.next()).body.output;
        if (o.startsWith('svdFile')) line = o;
      }
      assert.equal(line, `svdFile ${file}: ${why}; the Peripherals view is off for this session\n`);
      const frames = await stopAtReport({ dc, stops, outputs, device: dev });
      const scopes = (await dc.scopesRequest({ frameId: frames[0].id })).body.scopes;
      assert.deepEqual(
        scopes.map((s) => s.name),
        ['Locals', 'Statics', 'Registers'],
      );
      await stopClient(dc);
      await dev.stop();
    }
  });
});
