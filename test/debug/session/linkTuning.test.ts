// Which memory GDB may cache during a stop: Code and SRAM when the stub describes no memory, never peripherals.
import assert from 'node:assert/strict';
import { cacheRegionCommands } from '../../../src/debug/session/linkTuning';

describe('GDB memory caching for the link', () => {
  it('caches Code and SRAM and reads peripherals and system space live when the stub gives no memory map', () => {
    assert.deepEqual(cacheRegionCommands('There are no memory regions defined.\n'), [
      'mem 0x0 0x40000000 rw cache',
      'mem 0x40000000 0 rw nocache',
    ]);
  });

  it("keeps a stub's own memory map (flash regions for load and breakpoints) as it is", () => {
    const openocd =
      'Using memory regions provided by the target.\nNum Enb Low Addr   High Addr  Attrs \n' +
      '0   y  \t0x08000000 0x08200000 flash blocksize 0x2000 nocache \n1   y  \t0x20000000 0x200c0000 rw nocache \n';
    assert.deepEqual(cacheRegionCommands(openocd), []);
  });
});
