// The dashboard page as a browser would get it: strict CSP, escaped relay text, sparklines and tables of the same numbers.
import assert from 'node:assert/strict';
import { parseDeployment } from '../../../src/extension/deploymentJson';
import { contentSecurityPolicy, dashboardPage } from '../../../src/extension/dashboard/dashboardPage';
import { dashboardSections, type DashboardInput } from '../../../src/extension/dashboard/dashboardSections';
import { countsText, stateBar } from '../../../src/extension/dashboard/renderRollouts';
import { countStates } from '../../../src/extension/dashboard/rolloutView';
import { TelemetryHistory } from '../../../src/extension/dashboard/telemetryHistory';
import type { ConnectionState } from '../../../src/extension/relayConnection';
import type { DeviceInfo } from '../../../src/protocol/control';
import { deviceInfo } from '../../helpers/deviceInfo';

const T0 = Date.parse('2025-06-01T12:00:00Z');
const MIN = 60_000;
const HOSTILE = '<img src=x onerror=alert(1)>';
const CONNECTED: ConnectionState = {
  kind: 'connected',
  relay: 'ws://127.0.0.1:7600',
  operator: 'ana',
  role: 'admin',
  deployments: true,
};

const device = (name: string, over: Partial<DeviceInfo> = {}): DeviceInfo =>
  deviceInfo(name, { buildId: null, board: null, rssi: -80, uptime: 400, ...over });

/** A fleet of `sensor-01` (two readings, then a reboot) and a device with a hostile name, plus one rollout. */
function input(over: Partial<DashboardInput> = {}): DashboardInput {
  const history = new TelemetryHistory();
  history.record(device('sensor-01', { rssi: -70, uptime: 100 }), T0);
  history.record(device('sensor-01', { rssi: -80, uptime: 400 }), T0 + 5 * MIN);
  history.record(device('sensor-01', { rssi: -80, uptime: 30 }), T0 + 8 * MIN);
  history.record(device(HOSTILE, { rssi: -60, uptime: 10 }), T0 + 8 * MIN);
  const deployment = parseDeployment({
    id: 'dep-1',
    status: 'paused',
    statusReason: 'wave 1 failed: 1 of 2 devices failed',
    createdAt: '2025-06-01T11:00:00Z',
    createdBy: 'ana',
    signed: { manifest: { version: '2.0.1', imageSize: 65536 } },
    waves: [['sensor-01', HOSTILE]],
    devices: {
      'sensor-01': { state: 'downloading', bytes: 16384 },
      [HOSTILE]: { state: 'failed', reason: '"><script>alert(2)</script>' },
    },
  })!;
  return {
    connection: CONNECTED,
    devices: [device('sensor-01', { uptime: 30 }), device(HOSTILE, { rssi: -60, uptime: 10 })],
    history,
    deployments: [deployment],
    now: T0 + 10 * MIN,
    ...over,
  };
}

/** The sections with insignificant whitespace between tags removed, so assertions read like the markup. */
function sections(over: Partial<DashboardInput> = {}): Record<'status' | 'rollouts' | 'health', string> {
  const raw = dashboardSections(input(over));
  const norm = (m: string): string =>
    m
      .replace(/\s+/g, ' ')
      .replace(/>\s+</g, '><')
      .replace(/\s*\/>/g, '/>');
  return { status: norm(raw.status), rollouts: norm(raw.rollouts), health: norm(raw.health) };
}

const ALLOWED_TAGS = new Set(
  'p a code h2 h3 h4 span div table caption thead tbody tr th td details summary article section svg title path circle line rect progress'.split(
    ' ',
  ),
);
const ALLOWED_ATTRS = new Set(
  'class id role aria-label aria-hidden viewBox width height preserveAspectRatio x y x1 x2 y1 y2 cx cy r d href scope max value'.split(
    ' ',
  ),
);

/**
 * Every `<` in the markup must open a known tag whose attributes are known and quoted: anything the relay sent that
 * was not escaped would show up here as a stray tag or attribute.
 */
function assertOnlyOwnMarkup(markup: string): void {
  const tag = /<\/?([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*\/?>/y;
  for (let i = markup.indexOf('<'); i !== -1; i = markup.indexOf('<', i + 1)) {
    tag.lastIndex = i;
    const m = tag.exec(markup);
    assert.ok(m, `stray "<" at ${markup.slice(i, i + 40)}`);
    assert.ok(ALLOWED_TAGS.has(m[1]), `tag ${m[1]}`);
    for (const [, name, value] of m[2].matchAll(/([\w:-]+)="([^"]*)"/g)) {
      assert.ok(ALLOWED_ATTRS.has(name), `attribute ${name} on ${m[1]}`);
      if (name === 'href') assert.match(value, /^command:outpost\.(connect|deploy)$/);
    }
  }
}

describe('dashboard page', () => {
  it('sets the strict CSP and puts the nonce on its only style and its only script', () => {
    const page = dashboardPage(dashboardSections(input()), { cspSource: 'https://webview.test', nonce: 'Tm9uY2U=' });
    assert.equal(
      contentSecurityPolicy('https://webview.test', 'Tm9uY2U='),
      "default-src 'none'; style-src https://webview.test 'nonce-Tm9uY2U='; script-src 'nonce-Tm9uY2U='; img-src https://webview.test data:",
    );
    assert.ok(
      page.includes(`content="default-src &#39;none&#39;; style-src https://webview.test &#39;nonce-Tm9uY2U=&#39;`),
    );
    assert.deepEqual(page.match(/<style[^>]*>/g), ['<style nonce="Tm9uY2U=">']);
    assert.deepEqual(page.match(/<script[^>]*>/g), ['<script nonce="Tm9uY2U=">']);
    assert.doesNotMatch(page, /\sstyle="|<link|\ssrc="/, 'no inline styles (the CSP would block them) and no loads');
    for (const id of ['status', 'rollouts', 'health']) assert.match(page, new RegExp(`<section id="${id}"`));
  });

  it('shows hostile device names and reasons as text, never as markup', () => {
    const raw = dashboardSections(input());
    for (const markup of Object.values(raw)) assertOnlyOwnMarkup(markup);
    assert.ok(raw.health.includes('&#60;img src=x onerror=alert(1)&#62;'));
    assert.ok(raw.rollouts.includes('&#34;&#62;&#60;script&#62;alert(2)&#60;/script&#62;'));
    assert.doesNotMatch(Object.values(raw).join(''), /<img|<script/);
  });

  it('draws a signal and an uptime sparkline per device, labelled with the numbers they show', () => {
    const { health } = sections();
    assert.match(
      health,
      /<svg class="spark rssi" role="img" aria-label="Signal of sensor-01 over 10 min: latest -80 dBm \(fair\), lowest -80 dBm, highest -70 dBm, 3 readings"[^>]*><title>[^<]*<\/title><path class="line" d="M[\d. ML]+"\/><circle class="dot"/,
    );
    assert.match(health, /aria-label="Uptime of sensor-01 over 10 min: last reported 30 s, 1 reboot seen"/);
    // Online since the 30 s reading two minutes ago: projected to 150 s now, on the 0…400 s scale of the readings.
    assert.match(
      health,
      /<path class="projection" d="M126\.2 27\.1L157 19\.3"\/><path class="line" d="M3 22\.5L80 3M126\.2 27\.1"\/>/,
    );
    assert.equal((health.match(/<line class="reboot"/g) ?? []).length, 1, 'one reboot rule');
    assert.equal((health.match(/<svg class="spark/g) ?? []).length, 4, 'two sparklines for each of two devices');
  });

  it('lists the same numbers in tables: current readings, range, reboots and every reading', () => {
    const { health } = sections();
    assert.match(health, /<th scope="row">sensor-01<\/th><td><span class="presence online">online<\/span><\/td>/);
    assert.match(health, /-80 dBm \(fair\)<div class="muted">-80 to -70 dBm<\/div>/);
    assert.match(health, /<summary>sensor-01: 3 readings<\/summary>/);
    const readings = health.slice(health.indexOf('Readings of sensor-01'));
    assert.match(readings, /<td>-70<\/td><td>1 min 40 s<\/td><td><\/td>/);
    assert.match(readings, /<td>-80<\/td><td>30 s<\/td><td>rebooted before this reading<\/td>/);
    assert.match(health, /Device health <span class="muted">2\/2 online<\/span>/);
  });

  it('shows a rollout with its reason, a state bar per wave and each device’s progress', () => {
    const { rollouts } = sections();
    assert.match(rollouts, /<h3>2\.0\.1 <span class="badge r-paused">paused<\/span><\/h3>/);
    assert.match(rollouts, /paused: wave 1 failed: 1 of 2 devices failed/);
    assert.match(rollouts, /<svg class="bar" role="img" aria-label="All targets: 1 downloading, 1 failed"/);
    assert.match(
      rollouts,
      /<progress max="100" value="25" aria-label="sensor-01: image 25% transferred"><\/progress><span>25% · 16\.0 KiB of 64\.0 KiB<\/span>/,
    );
  });

  it('without a connection says so and links the next step, and shows nothing stale', () => {
    for (const connection of [
      { kind: 'disconnected' },
      {
        kind: 'failed',
        relay: 'ws://r',
        message: 'The relay does not know this identity.',
        problem: { kind: 'identity', message: '', retryable: false },
      },
    ] as ConnectionState[]) {
      const s = sections({ connection });
      assert.match(s.status, /<a href="command:outpost\.connect">Connect to Relay…<\/a>/);
      assert.equal(s.rollouts, '');
      assert.equal(s.health, '');
    }
    assert.match(sections({ connection: { kind: 'disconnected' } }).status, /Not connected/);
  });

  it('says when the relay offers no deployments, and what to do when there are none yet', () => {
    const noService = sections({ connection: { ...CONNECTED, deployments: false } });
    assert.match(noService.rollouts, /no OTA deployment service/);
    const none = sections({ deployments: [] });
    assert.match(none.rollouts, /No deployments yet/);
    const empty = sections({ devices: [] });
    assert.match(empty.health, /No devices are registered/);
  });

  it('splits a state bar into segments that add up to the whole width', () => {
    const counts = countStates(['confirmed', 'confirmed', 'downloading', 'pending', 'pending', 'pending', 'failed']);
    assert.equal(countsText(counts), '3 pending, 1 downloading, 2 confirmed, 1 failed');
    const bar = stateBar(counts, 7, 'x').text;
    const widths = [...bar.matchAll(/<rect class="st-[a-z_]+" x="([\d.]+)" y="0" width="([\d.]+)"/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    assert.equal(widths.length, 4);
    const last = widths[widths.length - 1];
    assert.ok(Math.abs(last[0] + last[1] - 100) < 0.011, JSON.stringify(widths));
  });
});
