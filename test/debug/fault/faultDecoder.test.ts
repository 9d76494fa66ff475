// The Cortex-M fault decoder: register values from real faults of the sample firmware become plain sentences.
import { strict as assert } from 'node:assert';
import { decodeFault, exceptionName, isFaultException } from '../../../src/debug/fault/faultDecoder';

describe('decodeFault', () => {
  it('explains a forced HardFault from a precise bus error with its address', () => {
    const r = decodeFault({
      ipsr: 3,
      cfsr: 0x00008200,
      hfsr: 0x40000000,
      mmfar: 0,
      bfar: 0xf0000000,
      stackedPc: 0x10000790,
    });
    assert.equal(r.exception, 'HardFault');
    assert.match(
      r.summary,
      /^HardFault \(escalated from a configurable fault\): BusFault: precise data bus error at 0xf0000000/,
    );
    assert.match(r.summary, /faulting instruction near 0x10000790/);
    assert.ok(r.causes.some((c) => /FORCED/.test(c)));
  });

  it('names usage faults: undefined instruction, divide by zero, invalid state, no coprocessor', () => {
    assert.match(
      decodeFault({ ipsr: 3, cfsr: 1 << 16, hfsr: 1 << 30, mmfar: 0, bfar: 0 }).summary,
      /undefined instruction/,
    );
    assert.match(
      decodeFault({ ipsr: 6, cfsr: 1 << 25, hfsr: 0, mmfar: 0, bfar: 0 }).summary,
      /^UsageFault: UsageFault: integer division by zero/,
    );
    assert.match(decodeFault({ ipsr: 3, cfsr: 1 << 17, hfsr: 0, mmfar: 0, bfar: 0 }).causes[0], /Thumb bit/);
    assert.match(decodeFault({ ipsr: 3, cfsr: 1 << 19, hfsr: 0, mmfar: 0, bfar: 0 }).causes[0], /FPU not enabled/);
  });

  it('leaves out the fault address when the valid bit is clear', () => {
    const r = decodeFault({ ipsr: 4, cfsr: 0x02, hfsr: 0, mmfar: 0x12345678, bfar: 0 });
    assert.equal(r.causes[0], 'MemManage: data access violation (DACCVIOL)');
    const valid = decodeFault({ ipsr: 4, cfsr: 0x82, hfsr: 0, mmfar: 0x12345678, bfar: 0 });
    assert.equal(valid.causes[0], 'MemManage: data access violation at 0x12345678 (DACCVIOL)');
  });

  it('decodes SecureFault status with its address', () => {
    const r = decodeFault({ ipsr: 7, cfsr: 0, hfsr: 0, mmfar: 0, bfar: 0, sfsr: 0x48, sfar: 0x30000000 });
    assert.equal(r.exception, 'SecureFault');
    assert.match(r.summary, /Non-secure access to Secure memory at 0x30000000/);
  });

  it('says so when no status bit is set', () => {
    assert.equal(
      decodeFault({ ipsr: 3, cfsr: 0, hfsr: 0, mmfar: 0, bfar: 0 }).summary,
      'HardFault: no fault status bits set',
    );
    assert.match(decodeFault({ ipsr: 3, cfsr: 0, hfsr: 1 << 1, mmfar: 0, bfar: 0 }).summary, /vector table/);
  });

  it('names exceptions and tells fault handlers from others', () => {
    assert.equal(exceptionName(0), 'Thread mode');
    assert.equal(exceptionName(15), 'SysTick');
    assert.equal(exceptionName(16 + 5), 'IRQ 5');
    assert.deepEqual([0, 2, 3, 4, 5, 6, 7, 11, 15].map(isFaultException), [
      false,
      false,
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});
