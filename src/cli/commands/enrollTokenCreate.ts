// `outpost enroll-token create`: a token new devices use to register their own keys; prints only the token.
import { defineCommand } from '../command';
import { relayOptions, withOperator } from '../session';
import { parseDuration, parsePositiveInt, parseTags } from '../values';

export default defineCommand({
  name: 'enroll-token create',
  summary: 'create an enrollment token (printed once; the relay keeps only its hash)',
  details: 'Devices enrolled with it get its tags: outpost agent … --enroll TOKEN [--name NAME].',
  options: {
    tag: { type: 'string', multiple: true, value: 'k=v', description: 'tag given to every device that enrolls' },
    uses: { type: 'string', value: 'N', description: 'how many devices may enroll with it (default 1)' },
    ttl: { type: 'string', value: 'DURATION', description: 'how long it stays valid, e.g. 30m, 1h, 7d (default 1h)' },
    ...relayOptions,
  },
  async run({ options }, io) {
    const tags = parseTags(options.tag);
    const uses = options.uses === undefined ? 1 : parsePositiveInt('uses', options.uses);
    const ttlSeconds = Math.round(options.ttl === undefined ? 3600 : parseDuration('ttl', options.ttl));
    const { token } = await withOperator(options, io, (c) => c.request('enroll.create', { tags, uses, ttlSeconds }));
    io.stdout.write(token + '\n');
  },
});
