// `outpost agent`: the device side; connects a target (GDB server, OpenOCD or the simulator) to the relay until stopped.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_KEEPALIVE_SEC } from '../../agent/agent';
import { deviceTarget } from '../../agent/device';
import type { Target } from '../../agent/target';
import { TargetError } from '../../agent/targets';
import { readIdentityFile } from '../../common/identityFile';
import { createLogger } from '../../common/log';
import { isKeepaliveSec } from '../../protocol/keepalive';
import { defineCommand } from '../command';
import { deviceOptions } from '../deviceOptions';
import { parseOperatorKeys } from '../operatorKeys';
import { runDevice } from '../deviceRun';
import { usageError } from '../errors';
import { relayOptions, relaySettings } from '../session';
import { parseDuration, parseName, parsePositiveInt, parseTrustKeys } from '../values';

export default defineCommand({
  name: 'agent',
  summary: 'run the device agent: a target (GDB server, OpenOCD or sim) connected to the relay',
  details:
    'Prints "agent connected as NAME" once the relay accepted it, and reconnects with backoff after a drop.\n' +
    'With --enroll, an unregistered key registers itself (once) with the token; later starts need no token.\n' +
    'OTA installs only images signed by a --trust key; without one, every update is refused.\n' +
    'With --operator-key, only those operators may open rsp and console (debugging, commands); without it, any\n' +
    'operator the relay lets through may, so the relay is trusted to say who is an operator.',
  options: {
    ...relayOptions,
    target: { type: 'string', value: 'URI', description: 'gdb://HOST:PORT, openocd:CFG[,CFG…] or sim[:ELF]' },
    name: { type: 'string', value: 'NAME', description: 'device name to enroll under (default derived from the key)' },
    ...deviceOptions,
    firmware: { type: 'string', value: 'ELF', description: 'firmware ELF: what sim runs; facts for other targets' },
    state: {
      type: 'string',
      value: 'DIR',
      description: 'state directory for OTA slots and staging (default ./.outpost/agent/<key id>)',
    },
    serial: { type: 'string', value: 'DEV', description: 'serial port of the firmware console (gdb/openocd targets)' },
    baud: { type: 'string', value: 'N', description: 'serial baud rate (default 115200)' },
    board: { type: 'string', value: 'NAME', description: 'board name to report (gdb/openocd targets)' },
    keepalive: {
      type: 'string',
      value: 'DURATION',
      description: `PING after this much silence on the link; the relay expects it (5s to 1h, default ${DEFAULT_KEEPALIVE_SEC}s)`,
    },
  },
  async run({ options }, io) {
    if (!options.target) throw usageError('missing --target: gdb://HOST:PORT, openocd:CFG or sim');
    const name = options.name === undefined ? undefined : parseName('name', options.name);
    const trustedSigners = parseTrustKeys(options.trust);
    const operatorKeys = parseOperatorKeys(options['operator-key'], io.cwd);
    const keepaliveSec = options.keepalive ? parseDuration('keepalive', options.keepalive) : undefined;
    if (keepaliveSec !== undefined && !isKeepaliveSec(keepaliveSec)) {
      throw usageError(`bad --keepalive "${options.keepalive}": use whole seconds from 5s to 1h`);
    }
    const { relay, keyFile } = relaySettings(options, io);
    const identity = readIdentityFile(keyFile);
    const baud = options.baud ? parsePositiveInt('baud', options.baud) : undefined;
    const log = createLogger('agent', (line) => io.stderr.write(line + '\n'));
    const keyId = createHash('sha256').update(identity.publicKeyText).digest('hex').slice(0, 12);
    const stateDir = path.resolve(io.cwd, options.state ?? path.join('.outpost', 'agent', keyId));
    fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    let target: Target;
    try {
      // A simulator restarts on the image OTA installed and confirmed, not on the --firmware it began with.
      target = deviceTarget(options.target, stateDir, {
        firmware: options.firmware && path.resolve(io.cwd, options.firmware),
        serialPort: options.serial,
        baud,
        board: options.board,
        logger: log.child('target'),
      });
    } catch (err) {
      if (err instanceof TargetError && err.code === 'BAD_TARGET_URI') throw usageError(err.message);
      throw err;
    }
    await runDevice(
      {
        relay,
        identity,
        target,
        enroll: options.enroll ? { token: options.enroll, ...(name && { name }) } : undefined,
        keepaliveSec,
        stateDir,
        trustedSigners,
        operatorKeys,
        log,
        onConnected: (name) => io.stdout.write(`agent connected as ${name}\n`),
      },
      io,
    );
  },
});
