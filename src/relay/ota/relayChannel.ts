// Channels the relay itself opens to a device (OTA transfers), routed by the same Router as operators' channels.
import type { Logger } from '../../common/log';
import { Channel } from '../../link/channel';
import { RelayError } from '../../link/errors';
import { CloseCode } from '../../protocol/closeCodes';
import type { ChannelKind } from '../../protocol/channels';
import { decodeFrame, FrameType } from '../../protocol/frame';
import { ChannelTable } from '../channelTable';
import type { Peer } from '../peer';
import type { Route } from '../route';
import type { Router } from '../router';

/** The operator a relay-opened channel acts for (the deployer who created the deployment): audited and named to the device. */
export interface OnBehalfOf {
  name: string;
  publicKey: string;
}

const OPERATOR_CHANNEL = 1;

/**
 * Opens a `kind` channel to the online device `device` through `router`, as `actor` with the deployer role, and
 * resolves with the relay's end as a Duplex (credit flow control, CLOSE handling: the link's own Channel).
 * The router sees an operator-like end that lives in this process: authorisation, audit, credit policing,
 * priorities and teardown when the device goes away all apply unchanged. Rejects with a RelayError when the
 * device refuses or is gone.
 */
export function openRelayChannel(
  router: Router,
  device: string,
  kind: ChannelKind,
  actor: OnBehalfOf,
  log: Logger,
): Promise<Channel> {
  return new Promise<Channel>((resolve, reject) => {
    let channel: Channel | undefined;
    let settled = false;
    const settle = (err?: RelayError) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve(channel as Channel);
    };
    // What the router needs of a Peer: identity, channel ids, a send() — here delivering frames to `channel`.
    const end = {
      identity: { kind: 'operator' as const, name: actor.name, publicKey: actor.publicKey, role: 'deployer' as const },
      principal: { kind: 'operator' as const, name: actor.name, role: 'deployer' as const },
      kind: 'operator' as const,
      name: actor.name,
      publicKey: actor.publicKey,
      channels: new ChannelTable<Route>(),
      closing: undefined as CloseCode | undefined,
      lastHeard: Date.now(),
      send(frame: Buffer): void {
        const decoded = decodeFrame(frame);
        if (!decoded.ok) return log.warn('relay channel got a bad frame', { reason: decoded.reason });
        const f = decoded.frame;
        if (f.type === FrameType.OPEN_OK) {
          channel = new Channel(
            { id: OPERATOR_CHANNEL, kind, peer: device },
            {
              sendFrame: (out) => toRouter(out),
              release: () => undefined,
            },
          );
          settle();
        } else if (f.type === FrameType.DATA) channel?.handleData(f.data);
        else if (f.type === FrameType.CREDIT) channel?.handleCredit(f.bytes);
        else if (f.type === FrameType.CLOSE) {
          if (channel) channel.handleClose(f.code, f.reason);
          else settle(RelayError.fromClose(f.code, f.reason));
        }
      },
      close(code: CloseCode): void {
        this.closing ??= code;
        channel?.abort(RelayError.fromClose(code, 'relay channel closed'));
        settle(RelayError.fromClose(code, 'relay channel closed'));
      },
      terminate(code: CloseCode): void {
        this.close(code);
      },
    };
    const peer = end as unknown as Peer;
    const toRouter = (frame: Buffer): void => {
      const decoded = decodeFrame(frame);
      if (!decoded.ok) return;
      const f = decoded.frame;
      if (f.type === FrameType.DATA) router.data(peer, OPERATOR_CHANNEL, f.data.length, frame);
      else if (f.type === FrameType.CREDIT) router.credit(peer, OPERATOR_CHANNEL, f.bytes, frame);
      else if (f.type === FrameType.CLOSE) router.close(peer, OPERATOR_CHANNEL, f.code, frame);
    };
    // A refusal (device offline, unknown, or saying no) comes back as a CLOSE through send().
    router.open(peer, OPERATOR_CHANNEL, { kind, device });
  });
}
