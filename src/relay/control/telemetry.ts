// The device's `telemetry` event: merged into its record, persisted, and published to fleet subscribers.
import { parseTelemetry } from '../../protocol/control';
import { deviceInfo } from '../deviceInfo';
import type { Peer } from '../peer';
import type { RelayContext } from './handler';

/** Applies a telemetry event from `peer` (a device). Malformed telemetry is logged and ignored, not fatal. */
export async function applyTelemetry(ctx: RelayContext, peer: Peer, data: unknown): Promise<void> {
  const id = peer.identity;
  if (id.kind !== 'device') return;
  const parsed = parseTelemetry(data);
  if (!parsed.ok) {
    ctx.log.warn('ignored malformed telemetry', { device: id.name, reason: parsed.reason });
    return;
  }
  const t = parsed.value;
  const now = ctx.now();
  // The connection's copy of the record is what presence events show, so it is updated along with the store.
  const d = id.device;
  d.uptime = t.uptime;
  if (t.firmwareVersion !== undefined) d.firmwareVersion = t.firmwareVersion;
  if (t.buildId !== undefined) d.buildId = t.buildId;
  if (t.board !== undefined) d.board = t.board;
  if (t.rssi !== undefined) d.rssi = t.rssi;
  d.lastSeen = now.toISOString();
  await ctx.store.devices.updateTelemetry(id.name, t, now);
  if (ctx.hub.device(id.name) === peer) ctx.fleet.updated(deviceInfo(id.device, peer));
}
