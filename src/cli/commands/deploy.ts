// `outpost deploy ELF|BIN|--pio-env ENV (--device NAME|--tag k=v)…`: sign a build, upload it, roll it out.
import { createHash } from 'node:crypto';
import { readIdentityFile } from '../../common/identityFile';
import { isFinal, uploadArtifact, waitForDeployment, type DeploymentJson } from '../../link/otaClient';
import { signManifest } from '../../protocol/manifest';
import { defineCommand } from '../command';
import { CliError, usageError } from '../errors';
import { failureLine, otaCliError } from '../ota/deploymentText';
import { readRelease } from '../ota/releaseInput';
import { relayOptions, relaySettings, withOperator } from '../session';
import { parseDuration, parseTags } from '../values';

function percent(option: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.replace(/%$/, ''));
  if (!Number.isInteger(n) || n < min || n > 100)
    throw usageError(`bad --${option} "${text}": a whole percentage ${min}..100`);
  return n;
}

export default defineCommand({
  name: 'deploy',
  summary: 'sign a firmware build and roll it out to devices (OTA), optionally in waves',
  args: 'ELF|BIN',
  positionals: { min: 0, max: 1 },
  details:
    'Prints the deployment id. Devices install only images signed by a key they trust (agent --trust).\n' +
    'With --rollout P, P % of the targets update first; the rest follow only if that wave is healthy.\n' +
    'With --wait, exits 0 only when every target confirmed a healthy boot.',
  options: {
    ...relayOptions,
    'pio-env': { type: 'string', value: 'ENV', description: 'deploy the build of this PlatformIO environment' },
    device: { type: 'string', multiple: true, value: 'NAME', description: 'target a device (repeatable)' },
    tag: { type: 'string', multiple: true, value: 'k=v', description: 'target devices with this tag (repeatable)' },
    rollout: { type: 'string', value: 'PCT', description: 'first wave size in percent (default: all at once)' },
    'max-failures': { type: 'string', value: 'PCT', description: 'pause when more fail in a wave (default 0)' },
    'sign-key': { type: 'string', value: 'FILE', description: 'signing identity (default: --key)' },
    ready: { type: 'string', value: 'REGEX', description: 'healthy-boot UART line (default \\bready\\b)' },
    'health-timeout': { type: 'string', value: 'DURATION', description: 'time to print it (default 60s)' },
    'anti-rollback': { type: 'string', value: 'N', description: 'security counter; devices refuse lower ones' },
    version: { type: 'string', value: 'V', description: 'firmware version (default: from the ELF)' },
    board: { type: 'string', value: 'NAME', description: 'board name (default: from the ELF)' },
    'build-id': { type: 'string', value: 'HEX', description: 'build id (default: from the ELF)' },
    wait: { type: 'boolean', description: 'follow the rollout until it ends' },
    json: { type: 'boolean', description: 'print the deployment as JSON' },
  },
  async run({ options, positionals }, io) {
    const file = positionals[0];
    const pioEnv = options['pio-env'];
    if ((file === undefined) === (pioEnv === undefined))
      throw usageError('give the firmware: ELF, BIN or --pio-env ENV');
    const tags = options.tag.map((t) => parseTags([t]));
    if (options.device.length === 0 && tags.length === 0) throw usageError('give targets: --device NAME or --tag k=v');
    const rolloutPercent = percent('rollout', options.rollout, 1);
    const maxFailurePercent = percent('max-failures', options['max-failures'], 0);
    const antiRollbackText = options['anti-rollback'] ?? '0';
    const antiRollback = Number(antiRollbackText);
    if (!/^\d+$/.test(antiRollbackText) || antiRollback > 0xffffffff)
      throw usageError(`bad --anti-rollback "${antiRollbackText}": a whole number 0..4294967295`);
    const healthTimeoutMs = options['health-timeout']
      ? Math.round(parseDuration('health-timeout', options['health-timeout']) * 1000)
      : undefined;
    if (options.ready !== undefined) {
      try {
        new RegExp(options.ready, 'i');
      } catch {
        throw usageError(`bad --ready "${options.ready}": not a regular expression`);
      }
    }
    const { keyFile } = relaySettings(options, io);
    const signer = readIdentityFile(options['sign-key'] ?? keyFile);
    try {
      const release = await readRelease(
        { file, pioEnv, projectDir: io.cwd },
        { version: options.version, board: options.board, buildId: options['build-id'] },
      );
      const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      const signed = signManifest(
        {
          imageSha256: sha(release.image),
          imageSize: release.image.length,
          buildId: release.buildId,
          version: release.version,
          board: release.board,
          antiRollback,
          ...(release.elf.length > 0 && { elfSha256: sha(release.elf), loadAddress: release.loadAddress }),
        },
        signer,
      );
      const final = await withOperator(options, io, async (client) => {
        io.stderr.write(`uploading ${release.version} (${release.image.length} bytes) … `);
        await uploadArtifact(client, release.image, { kind: 'image', buildId: release.buildId });
        if (release.elf.length > 0)
          await uploadArtifact(client, release.elf, { kind: 'elf', buildId: release.buildId });
        io.stderr.write('done\n');
        const created = await client.request<DeploymentJson>('deployments.create', {
          signed,
          devices: options.device,
          tags,
          ...(rolloutPercent !== undefined && { rolloutPercent }),
          ...(maxFailurePercent !== undefined && { maxFailurePercent }),
          ...(options.ready !== undefined && { ready: options.ready }),
          ...(healthTimeoutMs !== undefined && { healthTimeoutMs }),
        });
        const waves = created.waves.map((w) => w.length).join(' + ');
        io.stderr.write(`deployment ${created.id}: ${created.waves.flat().length} device(s) in waves of ${waves}\n`);
        if (!options.wait) return created;
        const seen = new Map<string, string>();
        return waitForDeployment(client, created.id, (d) => {
          for (const [name, p] of Object.entries(d.devices)) {
            const line = `${p.state}${p.code ? ` ${p.code}` : ''}${p.reason ? `: ${p.reason}` : ''}`;
            if (seen.get(name) === line || p.state === 'pending') continue;
            seen.set(name, line);
            io.stderr.write(`  ${name}: ${line}\n`);
          }
        });
      });
      io.stdout.write(options.json ? JSON.stringify(final, null, 2) + '\n' : `${final.id}\n`);
      if (options.wait && !(isFinal(final) && final.status === 'succeeded')) throw new CliError(failureLine(final));
    } catch (err) {
      throw otaCliError(err);
    }
  },
});
