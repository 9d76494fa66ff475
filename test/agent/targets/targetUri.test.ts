// The agent's --target forms, and the one-line errors for everything else.
import assert from 'node:assert/strict';
import { TargetError } from '../../../src/agent/targets/errors';
import { createTarget } from '../../../src/agent/targets/index';
import { parseTargetUri } from '../../../src/agent/targets/targetUri';

function badUri(uri: string): string {
  try {
    parseTargetUri(uri);
  } catch (err) {
    assert.ok(err instanceof TargetError);
    assert.equal(err.code, 'BAD_TARGET_URI');
    return err.message;
  }
  assert.fail(`${uri} was accepted`);
}

describe('--target parsing', () => {
  it('accepts sim, with or without a firmware path', () => {
    assert.deepEqual(parseTargetUri('sim'), { kind: 'sim' });
    assert.deepEqual(parseTargetUri('sim:/srv/fw/firmware.elf'), { kind: 'sim', firmware: '/srv/fw/firmware.elf' });
  });

  it('accepts gdb://HOST:PORT including IPv6 literals', () => {
    assert.deepEqual(parseTargetUri('gdb://127.0.0.1:3333'), { kind: 'gdb', host: '127.0.0.1', port: 3333 });
    assert.deepEqual(parseTargetUri('gdb://probe-rack.local:2331'), {
      kind: 'gdb',
      host: 'probe-rack.local',
      port: 2331,
    });
    assert.deepEqual(parseTargetUri('gdb://[::1]:3333'), { kind: 'gdb', host: '::1', port: 3333 });
  });

  it('accepts openocd: with one or several configuration files', () => {
    assert.deepEqual(parseTargetUri('openocd:board/st_nucleo_u5.cfg'), {
      kind: 'openocd',
      configFiles: ['board/st_nucleo_u5.cfg'],
    });
    assert.deepEqual(parseTargetUri('openocd:interface/stlink.cfg,target/stm32u5x.cfg'), {
      kind: 'openocd',
      configFiles: ['interface/stlink.cfg', 'target/stm32u5x.cfg'],
    });
  });

  it('refuses malformed targets with a line that shows the accepted forms', () => {
    for (const uri of [
      '',
      'jlink',
      'gdb://host',
      'gdb://host:0',
      'gdb://host:99999',
      'gdb://:3333',
      'openocd:',
      'sim:',
    ]) {
      assert.match(badUri(uri), /--target sim, --target gdb:\/\/HOST:PORT or --target openocd:CFG/, uri);
    }
    assert.match(badUri('gdb://host'), /needs a host and a port/);
  });

  it('makes a target of the right kind without starting anything', () => {
    assert.equal(createTarget('gdb://127.0.0.1:3333').kind, 'gdb');
    assert.equal(createTarget('openocd:board/st_nucleo_u5.cfg').kind, 'openocd');
    assert.equal(createTarget('sim', { firmware: '/nonexistent.elf' }).kind, 'sim');
    assert.throws(() => createTarget('sim'), /needs a firmware ELF/);
  });
});
