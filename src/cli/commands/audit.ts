// `outpost audit [--device NAME] [--limit N] [--json]`: the relay's audit log, newest first (admin only).
import { AUDIT_LIST_DEFAULT, AUDIT_LIST_MAX, type AuditEntry } from '../../protocol/control';
import { defineCommand } from '../command';
import { usageError } from '../errors';
import { relayOptions, withOperator } from '../session';
import { renderTable } from '../table';
import { parseName, parsePositiveInt } from '../values';

/** The human-readable audit table: when, who, what (channel opens show their kind), which device, how it ended. */
export function auditTable(entries: AuditEntry[], device?: string): string {
  if (entries.length === 0) return device ? `no audit entries for ${device}\n` : 'no audit entries yet\n';
  return renderTable(
    ['TIME', 'ACTOR', 'ACTION', 'DEVICE', 'RESULT'],
    entries.map((e) => [
      e.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      e.actor,
      e.action === 'open' && e.channelKind ? `open ${e.channelKind}` : e.action,
      e.device,
      e.result,
    ]),
  );
}

export default defineCommand({
  name: 'audit',
  summary: 'show the audit log: who opened which channel to which device, when, and the result (admin)',
  details: `Newest first; --limit up to ${AUDIT_LIST_MAX} (default ${AUDIT_LIST_DEFAULT}). Registry changes are listed too.`,
  options: {
    device: { type: 'string', value: 'NAME', description: 'only entries about this device' },
    limit: { type: 'string', value: 'N', description: `at most N entries (default ${AUDIT_LIST_DEFAULT})` },
    json: { type: 'boolean', description: 'print a JSON array' },
    ...relayOptions,
  },
  async run({ options }, io) {
    if (options.device !== undefined) parseName('device', options.device);
    const limit = options.limit === undefined ? undefined : parsePositiveInt('limit', options.limit);
    if (limit !== undefined && limit > AUDIT_LIST_MAX) {
      throw usageError(`bad --limit "${options.limit}": the relay returns at most ${AUDIT_LIST_MAX} entries`);
    }
    const entries = await withOperator(options, io, (c) =>
      c.request('audit.list', {
        ...(options.device !== undefined && { device: options.device }),
        ...(limit !== undefined && { limit }),
      }),
    );
    io.stdout.write(options.json ? JSON.stringify(entries, null, 2) + '\n' : auditTable(entries, options.device));
  },
});
