// The GDB server port for a device that `outpost tunnel` and the extension's "Open GDB Tunnel" give any GDB front end.
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../common/log';
import type { StubKind } from '../stub/stubConnector';
import { monitorFilter } from './monitorFilter';
import { refuseGdbClient } from './refuseClient';
import { openRspTunnel, type RspTunnel } from './rspTunnel';

/** Where the port listens, how it reaches the device, and what stub answers there. */
export interface GdbTunnelOptions {
  /** Opens an rsp channel to the device; called when a GDB connects, never before (a held channel halts QEMU). */
  open(): Promise<Duplex>;
  /** The device's stub (stubKindFor(board)): decides which monitor commands the tunnel answers itself. */
  kind: StubKind;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  log?: Logger;
  /** Told of each GDB connection turned away (a second client, a channel the device refused); GDB gets E.reason. */
  onRefused?(socket: Socket, reason: string): void;
}

/**
 * Listens for GDB: one session at a time (a second GDB gets "E.reason" and is closed), each over its own rsp
 * channel opened when GDB connects, with `monitor reset halt|reset|halt|init` answered for stubs without them.
 * Rejects with the listen error (EADDRINUSE, …) when the port cannot be had.
 */
export function openGdbTunnel(options: GdbTunnelOptions): Promise<RspTunnel> {
  const { onRefused } = options;
  return openRspTunnel({
    open: options.open,
    host: options.host,
    port: options.port,
    log: options.log,
    maxSessions: 1,
    filter: monitorFilter(options.kind),
    refuse: (socket, reason) => {
      onRefused?.(socket, reason);
      refuseGdbClient(socket, reason);
    },
  });
}
