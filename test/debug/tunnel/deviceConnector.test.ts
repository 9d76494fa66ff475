// Which GDB server kind the debugger assumes behind a device.
import assert from 'node:assert/strict';
import { SIM_BOARD } from '../../../src/agent/targets/sim';
import { stubKindFor } from '../../../src/debug/tunnel/deviceConnector';

describe('stub kind of a device', () => {
  it('is QEMU for the simulator (the board name its agent reports)', () => {
    assert.equal(stubKindFor(SIM_BOARD), 'qemu');
  });

  it('is what launch.json says, else generic', () => {
    assert.equal(stubKindFor('nucleo_u575zi_q'), 'generic');
    assert.equal(stubKindFor(null), 'generic');
    assert.equal(stubKindFor(SIM_BOARD, 'openocd'), 'openocd');
  });
});
