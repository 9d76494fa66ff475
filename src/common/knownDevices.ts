// Device keys an operator pinned on first use (like ssh's known_hosts): the data, its JSON form and the change message.
import { parsePublicKey } from '../protocol/identity';

/** A device key pinned by this operator: what the relay listed the first time an E2E channel to it worked. */
export interface DevicePin {
  /** The relay the device was reached through, as relayScope() writes it. */
  readonly relay: string;
  readonly device: string;
  readonly publicKey: string;
  /** ISO 8601 time the key was pinned. */
  readonly firstSeen: string;
}

/** Every pin, by relay scope and then device name. */
export type KnownDevices = Readonly<Record<string, Readonly<Record<string, DevicePin>>>>;

/** Where pins are kept (a file, or memory in tests); each call sees what other processes wrote meanwhile. */
export interface DevicePinStore {
  /** Where the pins live, for messages ("known devices file /…/known_devices.json"). */
  readonly location: string;
  /** The key pinned for `device` on `relay`, if any. */
  get(relay: string, device: string): DevicePin | undefined;
  /** Every pin for `relay`. */
  list(relay: string): DevicePin[];
  /** Pins `publicKey` unless the device already has a pin; resolves with the pin in force afterwards. */
  pin(relay: string, device: string, publicKey: string): Promise<DevicePin>;
  /**
   * Moves the pin of `device` from `fromKey` to `toKey` (a signed key rotation), only while it is still `fromKey` (or
   * absent); resolves with the pin in force afterwards, pinned now.
   */
  move(relay: string, device: string, fromKey: string, toKey: string): Promise<DevicePin>;
  /** Removes the pin of `device` on `relay`; resolves with what was removed. */
  forget(relay: string, device: string): Promise<DevicePin | undefined>;
}

/**
 * The relay part of a pin's name: the URL with http(s) written as ws(s), default ports and trailing slashes
 * dropped, so `ws://Relay:80/` and `http://relay` name the same relay. Text that is not a URL stays as it is.
 */
export function relayScope(relayUrl: string): string {
  let url: URL;
  try {
    url = new URL(relayUrl.trim());
  } catch {
    return relayUrl.trim();
  }
  const scheme = url.protocol === 'https:' ? 'wss:' : url.protocol === 'http:' ? 'ws:' : url.protocol;
  const secure = scheme === 'wss:';
  const port = url.port && url.port !== (secure ? '443' : '80') ? `:${url.port}` : '';
  return `${scheme}//${url.hostname}${port}${url.pathname.replace(/\/+$/, '')}`;
}

/** The pin of `device` on `relay` in `known`. */
export function findPin(known: KnownDevices, relay: string, device: string): DevicePin | undefined {
  return known[relayScope(relay)]?.[device];
}

/** `known` with `pin` added (replacing any pin of the same device on the same relay). */
export function withPin(known: KnownDevices, pin: DevicePin): KnownDevices {
  const scope = relayScope(pin.relay);
  return { ...known, [scope]: { ...known[scope], [pin.device]: { ...pin, relay: scope } } };
}

/** `known` with the pin of `device` moved to `toKey` if it is `fromKey` or absent; else `known` itself. */
export function withMovedPin(
  known: KnownDevices,
  relay: string,
  device: string,
  fromKey: string,
  toKey: string,
  now: Date,
): KnownDevices {
  const existing = findPin(known, relay, device);
  if (existing && existing.publicKey !== fromKey) return known;
  return withPin(known, { relay, device, publicKey: toKey, firstSeen: now.toISOString() });
}

/** `known` without the pin of `device` on `relay`; a relay left with no pins disappears. */
export function withoutPin(known: KnownDevices, relay: string, device: string): KnownDevices {
  const scope = relayScope(relay);
  const rest = Object.fromEntries(Object.entries(known[scope] ?? {}).filter(([name]) => name !== device));
  const others = Object.fromEntries(Object.entries(known).filter(([s]) => s !== scope));
  return Object.keys(rest).length > 0 ? { ...others, [scope]: rest } : others;
}

/** The file's JSON: `{"version": 1, "relays": {"ws://host:port": {"NAME": {"publicKey": …, "firstSeen": …}}}}`. */
export function serializeKnownDevices(known: KnownDevices): string {
  const relays: Record<string, Record<string, { publicKey: string; firstSeen: string }>> = {};
  for (const [scope, pins] of Object.entries(known).sort(([a], [b]) => a.localeCompare(b))) {
    relays[scope] = {};
    for (const [name, pin] of Object.entries(pins).sort(([a], [b]) => a.localeCompare(b)))
      relays[scope][name] = { publicKey: pin.publicKey, firstSeen: pin.firstSeen };
  }
  return JSON.stringify({ version: 1, relays }, null, 2) + '\n';
}

/** Parses the file's text strictly; the error is one line saying what is wrong. */
export function parseKnownDevices(text: string): { ok: true; known: KnownDevices } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(json) || json.version !== 1 || !isObject(json.relays))
    return { ok: false, reason: 'not a version 1 known devices file' };
  let known: KnownDevices = {};
  for (const [relay, pins] of Object.entries(json.relays)) {
    if (!isObject(pins)) return { ok: false, reason: `the entry of ${relay} is not an object` };
    for (const [device, pin] of Object.entries(pins)) {
      const where = `${device} on ${relay}`;
      if (!isObject(pin) || typeof pin.publicKey !== 'string' || !parsePublicKey(pin.publicKey))
        return { ok: false, reason: `the key of ${where} is not a public key` };
      if (typeof pin.firstSeen !== 'string' || Number.isNaN(Date.parse(pin.firstSeen)))
        return { ok: false, reason: `the firstSeen of ${where} is not a time` };
      known = withPin(known, { relay, device, publicKey: pin.publicKey, firstSeen: pin.firstSeen });
    }
  }
  return { ok: true, known };
}

/** The last characters of a key, as messages show it (`…1a2b3c4d`). */
export function keyTail(publicKey: string): string {
  return `…${publicKey.slice(-8)}`;
}

/** The one line an operator sees when the relay lists another key than the one pinned for a device. */
export function keyChangedMessage(pin: DevicePin, presentedKey: string): string {
  const { device } = pin;
  return (
    `device "${device}" presented a different key than the one pinned on ${pin.firstSeen.slice(0, 10)} ` +
    `(pinned ${keyTail(pin.publicKey)}, now ${keyTail(presentedKey)}): if ${device} was re-enrolled, ` +
    `run \`outpost devices forget ${device}\` and try again; otherwise the relay may be compromised`
  );
}

/** A store in memory (tests, or a caller that wants pins for one process only). */
export function memoryPinStore(): DevicePinStore {
  let known: KnownDevices = {};
  return {
    location: 'memory',
    get: (relay, device) => findPin(known, relay, device),
    list: (relay) => Object.values(known[relayScope(relay)] ?? {}),
    async pin(relay, device, publicKey) {
      const existing = findPin(known, relay, device);
      if (existing) return existing;
      known = withPin(known, { relay, device, publicKey, firstSeen: new Date().toISOString() });
      return findPin(known, relay, device) as DevicePin;
    },
    async move(relay, device, fromKey, toKey) {
      known = withMovedPin(known, relay, device, fromKey, toKey, new Date());
      return findPin(known, relay, device) as DevicePin;
    },
    async forget(relay, device) {
      const existing = findPin(known, relay, device);
      known = withoutPin(known, relay, device);
      return existing;
    },
  };
}
