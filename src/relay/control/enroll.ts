// `enroll.create`: a new enrollment token; only its hash is stored, the token itself is returned once.
import { createHash, randomBytes } from 'node:crypto';
import type { ControlHandler } from './handler';
import { paramsOf } from './params';

/** The stored form of an enrollment token: hex sha256 (tokens are random, so no salt or slow hash is needed). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export const enrollCreate: ControlHandler = {
  method: 'enroll.create',
  async handle(ctx, peer, params) {
    const p = paramsOf('enroll.create', params);
    const token = randomBytes(24).toString('base64url');
    const now = ctx.now();
    await ctx.store.tokens.create(
      {
        tokenHash: hashToken(token),
        uses: p.uses,
        expiresAt: new Date(now.getTime() + p.ttlSeconds * 1000),
        tags: p.tags,
      },
      now,
    );
    ctx.audit({
      actor: peer.name,
      action: `enroll.create uses=${p.uses} ttl=${p.ttlSeconds}s`,
      device: null,
      channelKind: null,
      result: 'ok',
    });
    return { token };
  },
};
