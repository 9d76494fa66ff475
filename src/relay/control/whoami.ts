// `whoami`: the caller's name, role (null for devices) and kind.
import type { ControlHandler } from './handler';

export const whoami: ControlHandler = {
  method: 'whoami',
  async handle(_ctx, peer) {
    const id = peer.identity;
    return { name: id.name, role: id.kind === 'operator' ? id.role : null, kind: id.kind };
  },
};
