// The dashboard's device health section: a table with signal and uptime sparklines, and each device's readings.
import { formatDuration, signalOf } from '../format';
import type { DeviceHealthView, HealthView } from './healthView';
import { html, plural, safeId, type Markup } from './html';
import { rssiSparkline, uptimeSparkline } from './sparklineSvg';
import type { TelemetrySample } from './telemetryHistory';

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** A reading's local time, "14:03:12", with the date in front when it is not from the day of `now`. */
export function clockTime(t: number, now: number): string {
  const d = new Date(t);
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  const day = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  return new Date(now).toDateString() === d.toDateString() ? time : `${day} ${time}`;
}

const rssiText = (rssi: number | null): string => (rssi === null ? '—' : `${rssi} dBm (${signalOf(rssi).label})`);

function row(d: DeviceHealthView, view: HealthView): Markup {
  const range = d.rssiRange ? html`<div class="muted">${d.rssiRange[0]} to ${d.rssiRange[1]} dBm</div>` : html``;
  return html`<tr>
    <th scope="row">${d.name}</th>
    <td><span class="presence ${d.online ? 'online' : 'offline'}">${d.online ? 'online' : 'offline'}</span></td>
    <td>${d.firmwareVersion ?? '—'}</td>
    <td class="chart">${rssiSparkline(d, view.since, view.now)}</td>
    <td>${rssiText(d.rssi)}${range}</td>
    <td class="chart">${uptimeSparkline(d, view.since, view.now)}</td>
    <td>${d.uptime === null ? '—' : formatDuration(d.uptime)}</td>
    <td>${d.reboots}</td>
  </tr>`;
}

function readings(d: DeviceHealthView, now: number): Markup {
  if (!d.samples.length) return html``;
  const line = (s: TelemetrySample): Markup =>
    html`<tr>
      <td>${clockTime(s.t, now)}</td>
      <td>${s.rssi ?? '—'}</td>
      <td>${s.uptime === null ? '—' : formatDuration(s.uptime)}</td>
      <td>${s.reboot ? 'rebooted before this reading' : ''}</td>
    </tr>`;
  return html`<details id="${safeId('readings', d.name)}">
    <summary>${d.name}: ${plural(d.samples.length, 'reading')}</summary>
    <table class="readings">
      <caption>
        Readings of ${d.name}, oldest first
      </caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Signal (dBm)</th>
          <th scope="col">Uptime</th>
          <th scope="col">Note</th>
        </tr>
      </thead>
      <tbody>
        ${d.samples.map(line)}
      </tbody>
    </table>
  </details>`;
}

/** The health section's inner HTML. */
export function renderHealth(view: HealthView): Markup {
  const heading = html`<h2>Device health <span class="muted">${view.online}/${view.total} online</span></h2>`;
  if (view.total === 0) {
    return html`${heading}
      <p class="muted">
        No devices are registered on this relay yet. A device registers itself with
        <code>outpost agent --enroll TOKEN</code>; an admin creates the token with “Outpost: Create Device Enrollment
        Token…”.
      </p>`;
  }
  const hidden = view.hiddenDevices
    ? html`<p class="muted">Showing the first ${view.devices.length} of ${view.total} devices.</p>`
    : html``;
  return html`${heading}
    <p class="muted">
      Signal and uptime as the devices reported them while this window was open (the last 120 readings, at most 24 h). A
      device sends its signal only when it changes noticeably, so a level line means “no change reported”.
    </p>
    <table class="health">
      <caption class="visually-hidden">
        Device health, one row per device
      </caption>
      <thead>
        <tr>
          <th scope="col">Device</th>
          <th scope="col">Status</th>
          <th scope="col">Firmware</th>
          <th scope="col">Signal over time</th>
          <th scope="col">Signal</th>
          <th scope="col">Uptime over time</th>
          <th scope="col">Uptime</th>
          <th scope="col">Reboots seen</th>
        </tr>
      </thead>
      <tbody>
        ${view.devices.map((d) => row(d, view))}
      </tbody>
    </table>
    ${hidden}
    <h3>Readings</h3>
    ${view.devices.some((d) => d.samples.length) ? view.devices.map((d) => readings(d, view.now)) : html`<p class="muted">No readings yet.</p>`}`;
}
