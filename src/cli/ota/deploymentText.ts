// How deployments read in a terminal: the list table, one deployment's devices, and one-line outcomes.
import type { DeploymentJson } from '../../link/otaClient';
import { FirmwareError } from '../../platformio/firmwareErrors';
import { PlatformioError } from '../../platformio/errors';
import { OtaError } from '../../protocol/otaErrors';
import { CliError } from '../errors';
import { ago, renderTable } from '../table';

function counts(d: DeploymentJson): string {
  const states = Object.values(d.devices).map((p) => p.state);
  const total = d.waves.flat().length;
  const ok = states.filter((s) => s === 'confirmed').length;
  const bad = states.filter((s) => s === 'failed' || s === 'rolled_back').length;
  return `${ok}/${total} confirmed${bad ? `, ${bad} failed` : ''}`;
}

/** `outpost deployments`. */
export function deploymentsTable(list: DeploymentJson[]): string {
  if (list.length === 0) return 'no deployments yet: start one with outpost deploy\n';
  return renderTable(
    ['ID', 'STATUS', 'VERSION', 'DEVICES', 'WAVE', 'CREATED', 'BY'],
    list.map((d) => [
      d.id,
      d.status,
      d.signed.manifest.version,
      counts(d),
      `${d.currentWave + 1}/${d.waves.length}`,
      ago(d.createdAt),
      d.createdBy,
    ]),
  );
}

/** `outpost deployment show ID`. */
export function deploymentDetails(d: DeploymentJson): string {
  const m = d.signed.manifest;
  const head = [
    `deployment ${d.id}: ${d.status}${d.statusReason ? ` (${d.statusReason})` : ''}`,
    `image ${m.version} build ${m.buildId.slice(0, 12)} for ${m.board}, ${m.imageSize} bytes, sha256 ${m.imageSha256.slice(0, 16)}…, signed by ${m.signer}`,
    '',
  ].join('\n');
  const rows = d.waves.flatMap((wave, i) =>
    wave.map((name) => {
      const p = d.devices[name];
      const bytes = p && p.state === 'downloading' ? ` ${Math.floor((p.bytes * 100) / m.imageSize)}%` : '';
      return [String(i + 1), name, p ? p.state + bytes : '?', p?.code ?? null, p?.reason ?? null];
    }),
  );
  return head + '\n' + renderTable(['WAVE', 'DEVICE', 'STATE', 'CODE', 'REASON'], rows);
}

/** One line for a deployment that did not end with every device confirmed. */
export function failureLine(d: DeploymentJson): string {
  const bad = Object.entries(d.devices)
    .filter(([, p]) => p.state !== 'confirmed')
    .slice(0, 3)
    .map(([n, p]) => `${n}: ${p.state}${p.code ? ` ${p.code}` : ''}${p.reason ? ` (${p.reason})` : ''}`);
  return `deployment ${d.id} ${d.status}${d.statusReason ? `: ${d.statusReason}` : ''}${bad.length ? ` — ${bad.join('; ')}` : ''}`;
}

/** Converts OTA, firmware and PlatformIO errors (one-line messages already) into the CLI's error. */
export function otaCliError(err: unknown): unknown {
  if (err instanceof OtaError || err instanceof FirmwareError || err instanceof PlatformioError)
    return new CliError(err.message.split('\n')[0]);
  return err;
}
