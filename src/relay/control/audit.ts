// `audit.list`: the newest audit entries, optionally for one device — who opened which channel, when, and the result.
import { AUDIT_LIST_DEFAULT, type AuditEntry } from '../../protocol/control';
import { MAX_JSON_PAYLOAD } from '../../protocol/frame';
import type { ControlHandler } from './handler';
import { paramsOf } from './params';

/** Room left in a CONTROL frame for the response envelope around the result. */
const resultBudget = MAX_JSON_PAYLOAD - 64;

/** The newest entries first, at most `limit`, cut short (never truncated mid-entry) to fit one reply. */
export const auditList: ControlHandler = {
  method: 'audit.list',
  async handle(ctx, _peer, params) {
    const { device, limit } = paramsOf('audit.list', params);
    const entries = await ctx.store.audit.recent(limit ?? AUDIT_LIST_DEFAULT, device);
    let size = 2;
    const fitting: AuditEntry[] = [];
    for (const e of entries) {
      size += Buffer.byteLength(JSON.stringify(e)) + 1;
      if (size > resultBudget) break;
      fitting.push(e);
    }
    return fitting;
  },
};
