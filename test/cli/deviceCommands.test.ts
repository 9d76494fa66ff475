// Small rules of the device commands: which --listen addresses the tunnel takes, which exit code exec passes on.
import assert from 'node:assert/strict';
import { processExitCode } from '../../src/cli/commands/exec';
import { isLoopback } from '../../src/cli/commands/tunnel';

describe('device commands', () => {
  it('tunnel listens on loopback addresses only', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) assert.equal(isLoopback(host), true, host);
    for (const host of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '128.0.0.1']) {
      assert.equal(isLoopback(host), false, host);
    }
  });

  it('exec exits with the firmware’s code, anything a shell cannot carry as 1', () => {
    assert.equal(processExitCode(0), 0);
    assert.equal(processExitCode(127), 127);
    assert.equal(processExitCode(255), 255);
    assert.equal(processExitCode(256), 1);
    assert.equal(processExitCode(-3), 1);
  });
});
