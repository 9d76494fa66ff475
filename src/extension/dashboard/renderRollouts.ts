// The dashboard's rollout section: per deployment and wave a stacked bar of device states, then each device's progress.
import { DEVICE_STATES, type DeviceUpdateState } from '../deploymentJson';
import { formatBytes } from '../format';
import { html, type Markup } from './html';
import type { DeviceProgressView, RolloutView, StateCounts, WaveView } from './rolloutView';

/** "rolled back" for rolled_back. */
export const stateWord = (s: string): string => s.replace(/_/g, ' ');

/** "1 confirmed, 2 downloading" in state order; "no devices" when empty. */
export function countsText(counts: StateCounts): string {
  const parts = DEVICE_STATES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${stateWord(s)}`);
  return parts.length ? parts.join(', ') : 'no devices';
}

const BAR_WIDTH = 100;

/** A stacked bar, one segment per state in state order, widths from cumulative rounding so they add up exactly. */
export function stateBar(counts: StateCounts, size: number, label: string): Markup {
  let cum = 0;
  const segments = DEVICE_STATES.filter((s) => counts[s] > 0).map((s: DeviceUpdateState) => {
    const x0 = Math.round((cum / size) * BAR_WIDTH * 100) / 100;
    cum += counts[s];
    const x1 = Math.round((cum / size) * BAR_WIDTH * 100) / 100;
    return html`<rect class="st-${s}" x="${x0}" y="0" width="${Math.round((x1 - x0) * 100) / 100}" height="10" />`;
  });
  return html`<svg
    class="bar"
    role="img"
    aria-label="${label}"
    viewBox="0 0 ${BAR_WIDTH} 10"
    preserveAspectRatio="none"
  >
    <title>${label}</title>
    <rect class="track" x="0" y="0" width="${BAR_WIDTH}" height="10" />
    ${segments}
  </svg>`;
}

function progressCell(d: DeviceProgressView): Markup {
  if (d.fraction === undefined) return html`<span class="muted">—</span>`;
  const pct = Math.floor(d.fraction * 100);
  const bytes =
    d.state === 'downloading' && d.bytes !== undefined && d.total
      ? ` · ${formatBytes(d.bytes)} of ${formatBytes(d.total)}`
      : '';
  return html`<progress max="100" value="${pct}" aria-label="${d.device}: image ${pct}% transferred"></progress>
    <span>${pct}%${bytes}</span>`;
}

function deviceRow(d: DeviceProgressView): Markup {
  return html`<tr>
    <th scope="row">${d.device}</th>
    <td><span class="key k-${d.state}" aria-hidden="true"></span>${stateWord(d.state)}</td>
    <td>${progressCell(d)}</td>
    <td>${d.reason ?? ''}</td>
  </tr>`;
}

function wave(r: RolloutView, w: WaveView): Markup {
  const name = r.waves.length > 1 ? `Wave ${w.number} of ${r.waves.length}` : 'All targets';
  const share = w.percent !== undefined && r.waves.length > 1 ? ` (${w.percent}%)` : '';
  const summary = `${w.counts.confirmed}/${w.size} confirmed`;
  const more = w.hiddenDevices
    ? html`<p class="muted">and ${w.hiddenDevices} more devices (counted in the bar above).</p>`
    : html``;
  return html`<section class="wave">
    <h4>${name}${share}: ${summary}</h4>
    ${stateBar(w.counts, w.size, `${name}: ${countsText(w.counts)}`)}
    <p class="legend">
      ${DEVICE_STATES.filter((s) => w.counts[s] > 0).map((s) => html`<span><span class="key k-${s}" aria-hidden="true"></span>${w.counts[s]} ${stateWord(s)}</span> `)}
    </p>
    <table class="devices">
      <thead>
        <tr>
          <th scope="col">Device</th>
          <th scope="col">State</th>
          <th scope="col">Progress</th>
          <th scope="col">Reason</th>
        </tr>
      </thead>
      <tbody>
        ${w.devices.map(deviceRow)}
      </tbody>
    </table>
    ${more}
  </section>`;
}

function rollout(r: RolloutView): Markup {
  const by = r.createdBy ? ` by ${r.createdBy}` : '';
  const at = r.createdAt ? ` at ${r.createdAt}` : '';
  const current = r.currentWave && r.waves.length > 1 ? ` · wave ${r.currentWave} of ${r.waves.length}` : '';
  const failed = r.counts.failed + r.counts.rolled_back;
  const reason = r.reason ? html`<p class="reason">${stateWord(r.state)}: ${r.reason}</p>` : html``;
  return html`<article class="rollout">
    <h3>${r.artifact} <span class="badge r-${r.state}">${r.state}</span></h3>
    <p class="muted">
      Deployment ${r.id}${by}${at} · ${r.counts.confirmed}/${r.size}
      confirmed${failed ? ` · ${failed} failed` : ''}${current}
    </p>
    ${reason}${r.waves.map((w) => wave(r, w))}
  </article>`;
}

/** The rollout section's inner HTML: `unavailable` when the relay (or the role) has no deployments. */
export function renderRollouts(rollouts: readonly RolloutView[] | 'unavailable'): Markup {
  const heading = html`<h2>Rollouts</h2>`;
  if (rollouts === 'unavailable') {
    return html`${heading}
      <p class="muted">This relay has no OTA deployment service, or your role may not see deployments.</p>`;
  }
  if (!rollouts.length) {
    return html`${heading}
      <p class="muted">
        No deployments yet. Open <code>platformio.ini</code> and use “Deploy OTA” above an environment, or run
        <a href="command:outpost.deploy">Outpost: Deploy Current Build (OTA)…</a>
      </p>`;
  }
  return html`${heading}${rollouts.map(rollout)}`;
}
