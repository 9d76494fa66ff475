// `outpost sim`: one simulated STM32U5-class device (QEMU mps2-an505 running firmware) with its agent, until Ctrl-C.
import fs from 'node:fs';
import path from 'node:path';
import { simTarget } from '../../agent/device';
import { resolveConfig } from '../../common/config';
import { createLogger } from '../../common/log';
import { RelayError } from '../../link/errors';
import { defineCommand } from '../command';
import { deviceOptions } from '../deviceOptions';
import { parseOperatorKeys } from '../operatorKeys';
import { parseName, parseTrustKeys } from '../values';
import { runDevice } from '../deviceRun';
import { CliError, usageError } from '../errors';
import { simFirmware, simIdentity } from '../simSetup';

export default defineCommand({
  name: 'sim',
  summary: 'run a simulated STM32U5-class device (QEMU Cortex-M33) with its agent',
  details:
    'Prints "sim NAME online (…)" each time the relay accepts it; Ctrl-C stops QEMU and the agent.\n' +
    'Without --firmware it builds and runs the sample firmware (examples/u5-sensor, env sim).\n' +
    'Without --key it keeps its own key in the state folder (created on first start); with --enroll it\n' +
    'registers that key under --name the first time. Several sims can run at once: each has private ports.',
  options: {
    relay: { type: 'string', value: 'URL', description: 'relay URL (default: $OUTPOST_RELAY, then the config file)' },
    name: { type: 'string', value: 'NAME', description: 'device name (required; enrolls under it)' },
    firmware: { type: 'string', value: 'ELF', description: 'firmware ELF to run (default: the sample firmware)' },
    ...deviceOptions,
    key: { type: 'string', value: 'FILE', description: 'device key file (default: STATE/device.key, made once)' },
    state: { type: 'string', value: 'DIR', description: 'state folder (default ./.outpost/sim/NAME)' },
  },
  async run({ options }, io) {
    if (!options.name) throw usageError('missing --name NAME: the device name of the simulator');
    const name = parseName('name', options.name);
    const trustedSigners = parseTrustKeys(options.trust);
    const operatorKeys = parseOperatorKeys(options['operator-key'], io.cwd);
    const config = resolveConfig({ flags: { relay: options.relay }, env: io.env, cwd: io.cwd });
    if (!config.relay) {
      throw usageError(`no relay given: pass --relay URL, set OUTPOST_RELAY, or put "relay" in ${config.configFile}`);
    }
    const notice = (line: string): boolean => io.stderr.write(`outpost: ${line}\n`);
    const firmware = await simFirmware(options.firmware && path.resolve(io.cwd, options.firmware), notice);
    const stateDir = path.resolve(io.cwd, options.state ?? path.join('.outpost', 'sim', name));
    fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const key = simIdentity(options.key && path.resolve(io.cwd, options.key), stateDir);
    if (key.created) notice(`new device key ${key.file} (public key ${key.identity.publicKeyText})`);

    const log = createLogger('sim', (line) => io.stderr.write(line + '\n'));
    // A restarted sim boots the image OTA installed and confirmed, not the firmware it began with.
    const target = simTarget(stateDir, { firmware, logger: log.child('target') });
    try {
      await runDevice(
        {
          relay: config.relay.value,
          identity: key.identity,
          target,
          enroll: options.enroll ? { token: options.enroll, name } : undefined,
          stateDir,
          trustedSigners,
          operatorKeys,
          log,
          onConnected: (registered) => {
            const fw = target.firmware();
            const facts = [fw.version && `firmware ${fw.version}`, fw.buildId && `build ${fw.buildId.slice(0, 12)}`];
            const also = registered === name ? '' : ` (registered as ${registered}, not ${name})`;
            io.stdout.write(`sim ${registered} online (${facts.filter(Boolean).join(', ')})${also}\n`);
          },
        },
        io,
      );
    } catch (err) {
      if (err instanceof RelayError && err.code === 'UNKNOWN_KEY') {
        throw new CliError(
          `this device key is not registered on the relay: pass --enroll TOKEN, or have an admin run ` +
            `outpost device add ${name} --pubkey ${key.identity.publicKeyText}`,
        );
      }
      throw err;
    }
  },
});
