// The operator's client (CLI, debug adapter, extension): control requests, fleet events and E2E channels to devices.
import { parseKeyRotation, pinMoveFault, type KeyRotation } from '../common/keyRotation';
import { keyChangedMessage, keyTail, type DevicePin, type DevicePinStore } from '../common/knownDevices';
import { knownDevicesFile, KnownDevicesError } from '../common/knownDevicesFile';
import { silentLogger, type Logger } from '../common/log';
import type { ChannelKind } from '../protocol/channels';
import type { ControlEvent, DeviceInfo, MethodName, Methods } from '../protocol/control';
import { createOffer, E2E_REQUIRED } from '../protocol/e2e';
import type { Identity } from '../protocol/identity';
import { parsePublicKey } from '../protocol/identity';
import type { Channel } from './channel';
import { connect } from './connect';
import type { Connection, Disposable } from './connection';
import { DeviceKeyChanged, RelayError } from './errors';

/** Options of `connectOperator`. */
export interface OperatorOptions {
  relay: string;
  identity: Identity;
  log?: Logger;
  /** Seconds between PINGs that keep `rttMs` fresh and detect a dead relay. Default 30. */
  keepaliveSec?: number;
  timeoutMs?: number;
  /**
   * Device keys pinned on first use (docs/security.md §2). Default: the known devices file, `$OUTPOST_KNOWN_DEVICES`
   * or `~/.config/outpost/known_devices.json`, shared by the CLI, the debug adapter and the extension.
   */
  devicePins?: DevicePinStore;
  /**
   * Tells the person one line that is not an error (a pin moved along a device's signed key rotation). Default:
   * stderr; the extension passes its output channel.
   */
  notify?: (line: string) => void;
}

/** An operator's session with the relay. */
export interface OperatorClient {
  /** Calls a control method; rejects with RelayError (e.g. code 'FORBIDDEN', 'NOT_FOUND'). */
  request<M extends MethodName>(method: M, params?: Methods[M]['params']): Promise<Methods[M]['result']>;
  request<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T>;
  /** Control events (device.updated, device.removed after fleet.subscribe). */
  onEvent(listener: (event: ControlEvent) => void): Disposable;
  /** The connection ended (relay gone, REVOKED, HEARTBEAT_TIMEOUT, or close()). */
  onClose(listener: (reason: RelayError) => void): Disposable;
  /**
   * Opens a channel to a device. rsp and console are end-to-end encrypted against the device key from
   * devices.get, so a relay that swaps keys or tampers gets E2E_FAILED, not plaintext. That key must be the one
   * pinned for the device (the first channel that works pins it): another one rejects with DeviceKeyChanged
   * before anything is sent to the device; an unusable pin file with KNOWN_DEVICES_UNUSABLE.
   */
  openChannel(device: string, kind: ChannelKind): Promise<Channel>;
  /** Last measured round trip to the relay, ms. */
  readonly rttMs: number | undefined;
  close(): void;
}

class Client implements OperatorClient {
  private readonly deviceKeys = new Map<string, string>();
  /** The signed key rotations devices.get listed with each key in deviceKeys. */
  private readonly deviceRotations = new Map<string, KeyRotation[]>();

  constructor(
    private readonly conn: Connection,
    private readonly identity: Identity,
    private readonly relay: string,
    private readonly pins: DevicePinStore,
    private readonly log: Logger,
    private readonly notify: (line: string) => void,
  ) {}

  get rttMs(): number | undefined {
    return this.conn.rttMs;
  }

  request<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    return this.conn.request<T>(method, params);
  }

  onEvent(listener: (event: ControlEvent) => void): Disposable {
    return this.conn.onEvent(listener);
  }

  onClose(listener: (reason: RelayError) => void): Disposable {
    return this.conn.onClose(listener);
  }

  async openChannel(device: string, kind: ChannelKind): Promise<Channel> {
    if (!E2E_REQUIRED.includes(kind)) return this.conn.openChannel(kind, device);
    const cached = this.deviceKeys.get(device);
    const key = cached ?? (await this.refreshKey(device));
    try {
      return await this.openPinned(device, kind, key);
    } catch (e) {
      // A device re-registered with a new key: refresh once from the relay before giving up (the pin decides).
      if (!(e instanceof RelayError) || e.code !== 'E2E_FAILED' || !cached) throw e;
      const fresh = await this.refreshKey(device);
      if (fresh === cached) throw e;
      return this.openPinned(device, kind, fresh);
    }
  }

  close(): void {
    this.conn.close();
  }

  /**
   * Checks `keyText` against the pin before the OPEN leaves, and pins it once the device proved it holds the key
   * (a verified OPEN_OK). Another process may pin a different key meanwhile: then this channel is dropped too.
   */
  private async openPinned(device: string, kind: ChannelKind, keyText: string): Promise<Channel> {
    let pinned: DevicePin | undefined;
    try {
      pinned = this.pins.get(this.relay, device);
    } catch (e) {
      throw unusablePins(e);
    }
    if (pinned && pinned.publicKey !== keyText) pinned = await this.followRotation(device, pinned, keyText);
    const channel = await this.openEncrypted(device, kind, keyText);
    if (pinned) return channel;
    try {
      const pin = await this.pins.pin(this.relay, device, keyText).catch((e: unknown) => {
        throw unusablePins(e);
      });
      if (pin.publicKey !== keyText) throw keyChanged(this.relay, pin, keyText);
    } catch (e) {
      channel.destroy();
      throw e;
    }
    return channel;
  }

  /**
   * The relay lists another key than the pinned one: the pin moves only along rotations signed by the pinned key
   * (and each new key), else DEVICE_KEY_CHANGED as for any other key. Resolves with the moved pin.
   */
  private async followRotation(device: string, pinned: DevicePin, keyText: string): Promise<DevicePin> {
    const question = { relay: this.relay, device, pinnedKey: pinned.publicKey, presentedKey: keyText };
    const fault = pinMoveFault(question, this.deviceRotations.get(device) ?? []);
    if (fault) {
      this.log.warn('device key differs from the pinned key', { device, why: fault });
      throw keyChanged(this.relay, pinned, keyText);
    }
    const moved = await this.pins.move(this.relay, device, pinned.publicKey, keyText).catch((e: unknown) => {
      throw unusablePins(e);
    });
    if (moved.publicKey !== keyText) throw keyChanged(this.relay, moved, keyText);
    const line =
      `device "${device}" rotated its key (${keyTail(pinned.publicKey)} -> ${keyTail(keyText)}, signed by the ` +
      `pinned key): the pin moved to the new key`;
    this.log.info('pin moved along a signed key rotation', { device });
    this.notify(line);
    return moved;
  }

  private openEncrypted(device: string, kind: ChannelKind, keyText: string): Promise<Channel> {
    const key = parsePublicKey(keyText);
    if (!key) throw new RelayError('E2E_FAILED', `relay listed a malformed public key for ${device}`);
    return this.conn.openChannel(kind, device, createOffer(this.identity, kind, key));
  }

  /** The device's identity key as the relay lists it: one devices.get, whatever the size of the fleet. */
  private async refreshKey(device: string): Promise<string> {
    let info: DeviceInfo;
    try {
      info = await this.conn.request<DeviceInfo>('devices.get', { name: device });
    } catch (e) {
      if (e instanceof RelayError && (e.code === 'NOT_FOUND' || e.code === 'BAD_REQUEST'))
        throw new RelayError('DEVICE_UNKNOWN', `no device named ${device}`);
      throw e;
    }
    const listed = (info as { keyRotations?: unknown }).keyRotations;
    const rotations = Array.isArray(listed) ? listed.map(parseKeyRotation).filter((r) => r !== undefined) : [];
    this.deviceKeys.set(device, info.publicKey);
    this.deviceRotations.set(device, rotations);
    return info.publicKey;
  }
}

function keyChanged(relay: string, pin: DevicePin, presentedKey: string): DeviceKeyChanged {
  return new DeviceKeyChanged(relay, pin.device, pin.publicKey, presentedKey, keyChangedMessage(pin, presentedKey));
}

/** A pin file that cannot be read or written is said as a RelayError, which every caller reports as one line. */
function unusablePins(e: unknown): unknown {
  return e instanceof KnownDevicesError ? new RelayError('KNOWN_DEVICES_UNUSABLE', e.message) : e;
}

/** Connects as an operator. Rejects with RelayError (UNKNOWN_KEY, CONNECTION_FAILED, …). */
export async function connectOperator(options: OperatorOptions): Promise<OperatorClient> {
  const log = options.log ?? silentLogger;
  const conn = await connect(options.relay, options.identity, {
    log,
    keepaliveSec: options.keepaliveSec ?? 30,
    timeoutMs: options.timeoutMs,
  });
  // A first RTT sample right away; errors surface through onClose, not here.
  conn.ping().catch(() => undefined);
  const notify = options.notify ?? ((line: string) => process.stderr.write(`${line}\n`));
  return new Client(conn, options.identity, options.relay, options.devicePins ?? knownDevicesFile(), log, notify);
}
