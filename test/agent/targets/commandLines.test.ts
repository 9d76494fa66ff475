// The command lines the agent gives QEMU and OpenOCD: what runs where, and what is kept private.
import assert from 'node:assert/strict';
import { OPENOCD_LISTENING, openocdArgs } from '../../../src/agent/targets/openocdArgs';
import { qemuArgs } from '../../../src/agent/targets/qemuArgs';

function valueOf(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

describe('QEMU command line', () => {
  const args = qemuArgs({ elf: '/fw/firmware.elf', gdbPort: 41234, qmpSocket: '/tmp/x/qmp.sock' });

  it('runs the Cortex-M33 machine on the firmware, not halted', () => {
    assert.equal(valueOf(args, '-M'), 'mps2-an505');
    assert.equal(valueOf(args, '-kernel'), '/fw/firmware.elf');
    assert.ok(!args.includes('-S'), 'the device must run, not wait for a debugger');
  });

  it('serves GDB on loopback only, and QMP on a private socket', () => {
    assert.equal(valueOf(args, '-gdb'), 'tcp:127.0.0.1:41234');
    assert.equal(valueOf(args, '-qmp'), 'unix:/tmp/x/qmp.sock,server=on,wait=off');
  });

  it('wires UART0 to stdio with Ctrl-C passed to the firmware, and no monitor or display', () => {
    assert.equal(valueOf(args, '-chardev'), 'stdio,id=uart0,signal=off');
    assert.equal(valueOf(args, '-serial'), 'chardev:uart0');
    assert.equal(valueOf(args, '-monitor'), 'none');
    assert.equal(valueOf(args, '-display'), 'none');
  });
});

describe('OpenOCD command line', () => {
  const args = openocdArgs(['interface/stlink.cfg', 'target/stm32u5x.cfg'], 50123);

  it('binds to loopback with a private GDB port, telnet and Tcl off, before the config files', () => {
    const commands = args.filter((_, i) => args[i - 1] === '-c');
    assert.deepEqual(commands, ['bindto 127.0.0.1', 'gdb_port 50123', 'telnet_port disabled', 'tcl_port disabled']);
    assert.ok(args.indexOf('bindto 127.0.0.1') < args.indexOf('-f'));
  });

  it('passes the configuration files in order', () => {
    const files = args.filter((_, i) => args[i - 1] === '-f');
    assert.deepEqual(files, ['interface/stlink.cfg', 'target/stm32u5x.cfg']);
  });

  it('recognises the line OpenOCD prints once GDB can connect', () => {
    assert.equal(OPENOCD_LISTENING.exec('Info : Listening on port 50123 for gdb connections')?.[1], '50123');
    assert.equal(OPENOCD_LISTENING.test('Info : Listening on port 6666 for tcl connections'), false);
  });
});
