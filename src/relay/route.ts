// A channel routed through the relay: the operator's end, the device's end, and the credit each direction has left.
import type { ChannelKind } from '../protocol/channels';
import { SendCredit } from '../protocol/credit';
import type { Peer } from './peer';

/** One routed channel. Ids differ per side: the operator picked its own, the relay allocated the device's. */
export class Route {
  /** Set when the device accepted the channel (OPEN_OK). */
  accepted = false;
  /** The id on the device's connection, allocated by the relay when it forwards the OPEN. */
  deviceChannel = 0;
  /** DATA bytes the operator may still send toward the device (spent by its DATA, granted by the device's CREDIT). */
  readonly toDevice = new SendCredit();
  /** DATA bytes the device may still send toward the operator. */
  readonly toOperator = new SendCredit();

  constructor(
    readonly kind: ChannelKind,
    readonly operator: Peer,
    readonly operatorChannel: number,
    readonly device: Peer,
  ) {}

  /** The other end as seen from `peer`, with the channel id to use on its connection. */
  far(peer: Peer): { peer: Peer; channel: number } {
    return peer === this.operator
      ? { peer: this.device, channel: this.deviceChannel }
      : { peer: this.operator, channel: this.operatorChannel };
  }

  /** The credit the sender `peer` spends when it sends DATA on this route. */
  creditOf(peer: Peer): SendCredit {
    return peer === this.operator ? this.toDevice : this.toOperator;
  }
}
