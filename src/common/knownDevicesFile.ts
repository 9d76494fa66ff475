// The pinned device keys on disk: known_devices.json beside the config file, changed under a lock and replaced atomically (0600).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configFilePath } from './config';
import {
  findPin,
  parseKnownDevices,
  relayScope,
  serializeKnownDevices,
  withMovedPin,
  withoutPin,
  withPin,
  type DevicePin,
  type DevicePinStore,
  type KnownDevices,
} from './knownDevices';

/** Why the known devices file could not be used. */
export type KnownDevicesErrorCode = 'INVALID' | 'UNREADABLE' | 'BUSY';

/** A known devices file failure; `message` is one line naming the file and what to do. */
export class KnownDevicesError extends Error {
  constructor(
    readonly code: KnownDevicesErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'KnownDevicesError';
  }
}

/** `$OUTPOST_KNOWN_DEVICES`, else `known_devices.json` beside the config file (`~/.config/outpost/`). */
export function knownDevicesPath(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  if (env.OUTPOST_KNOWN_DEVICES) return path.resolve(env.OUTPOST_KNOWN_DEVICES);
  return path.join(path.dirname(configFilePath(env, home)), 'known_devices.json');
}

/** How long a writer waits for another one's lock before giving up, and when a lock counts as left behind. */
const LOCK_WAIT_MS = 10_000;
const STALE_LOCK_MS = 30_000;

/**
 * The pin store kept in `file`. Reads take the file as it is (writers replace it with a rename, so a reader never
 * sees half a file); pin() and forget() read, change and replace it under `FILE.lock`, so concurrent processes do
 * not lose each other's pins. A broken file is never overwritten: every call fails with KnownDevicesError INVALID.
 */
export function knownDevicesFile(file: string = knownDevicesPath()): DevicePinStore {
  return {
    location: file,
    get: (relay, device) => findPin(readKnown(file), relay, device),
    list: (relay) => Object.values(readKnown(file)[relayScope(relay)] ?? {}),
    pin: (relay, device, publicKey) =>
      update(file, (known) => {
        const existing = findPin(known, relay, device);
        if (existing) return { known, result: existing };
        const pin: DevicePin = { relay: relayScope(relay), device, publicKey, firstSeen: new Date().toISOString() };
        return { known: withPin(known, pin), result: pin };
      }),
    move: (relay, device, fromKey, toKey) =>
      update(file, (known) => {
        const moved = withMovedPin(known, relay, device, fromKey, toKey, new Date());
        return { known: moved, result: findPin(moved, relay, device) as DevicePin };
      }),
    forget: (relay, device) =>
      update(file, (known) => {
        const existing = findPin(known, relay, device);
        return { known: existing ? withoutPin(known, relay, device) : known, result: existing };
      }),
  };
}

function readKnown(file: string): KnownDevices {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new KnownDevicesError('UNREADABLE', `cannot read known devices file ${file}: ${(e as Error).message}`);
  }
  const parsed = parseKnownDevices(text);
  if (!parsed.ok)
    throw new KnownDevicesError(
      'INVALID',
      `known devices file ${file} is invalid (${parsed.reason}): fix it, or delete it to forget every pinned device key`,
    );
  return parsed.known;
}

async function update<T>(
  file: string,
  change: (known: KnownDevices) => { known: KnownDevices; result: T },
): Promise<T> {
  const unlock = await lock(file);
  try {
    const before = readKnown(file);
    const { known, result } = change(before);
    if (known !== before) replace(file, serializeKnownDevices(known));
    return result;
  } finally {
    unlock();
  }
}

/** Writes `text` to a temporary file beside `file` (0600) and renames it over `file`: all or nothing. */
function replace(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    fs.writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new KnownDevicesError('UNREADABLE', `cannot write known devices file ${file}: ${(e as Error).message}`);
  }
}

async function lock(file: string): Promise<() => void> {
  const lockFile = `${file}.lock`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new KnownDevicesError('UNREADABLE', `cannot create the folder of ${file}: ${(e as Error).message}`);
  }
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.closeSync(fs.openSync(lockFile, 'wx', 0o600));
      return () => fs.rmSync(lockFile, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new KnownDevicesError('UNREADABLE', `cannot lock known devices file ${file}: ${(e as Error).message}`);
    }
    if (lockAgeMs(lockFile) > STALE_LOCK_MS) {
      // A process that died holding the lock: its change never happened, so the lock can go.
      fs.rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline)
      throw new KnownDevicesError(
        'BUSY',
        `known devices file ${file} stayed locked for ${LOCK_WAIT_MS / 1000} s: if no other outpost process is running, delete ${lockFile}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
  }
}

function lockAgeMs(lockFile: string): number {
  try {
    return Date.now() - fs.statSync(lockFile).mtimeMs;
  } catch {
    return 0; // gone meanwhile: the next attempt takes it
  }
}
