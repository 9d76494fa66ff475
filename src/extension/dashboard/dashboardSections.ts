// The dashboard as three sections of HTML (status, rollouts, health) from what the extension knows right now.
import type { DeviceInfo } from '../../protocol/control';
import type { Deployment } from '../deploymentJson';
import type { ConnectionState } from '../relayConnection';
import { healthView } from './healthView';
import { html, type Markup } from './html';
import { renderHealth } from './renderHealth';
import { renderRollouts } from './renderRollouts';
import { rolloutViews } from './rolloutView';
import type { TelemetryHistory } from './telemetryHistory';

/** The page's regions, updated one by one. */
export const SECTION_IDS = ['status', 'rollouts', 'health'] as const;
export type SectionId = (typeof SECTION_IDS)[number];
export type Sections = Record<SectionId, string>;

/** Everything the page shows. */
export interface DashboardInput {
  readonly connection: ConnectionState;
  /** The fleet in display order (FleetModel.all()). */
  readonly devices: readonly DeviceInfo[];
  readonly history: TelemetryHistory;
  /** Parsed deployments (DeploymentsModel). */
  readonly deployments: readonly Deployment[];
  readonly now: number;
}

const CONNECT_LINK = html`<a href="command:outpost.connect">Connect to Relay…</a>`;

/** What the connection is doing, and the next step when there is no connection. */
export function renderStatus(c: ConnectionState, devices: readonly DeviceInfo[]): Markup {
  switch (c.kind) {
    case 'disconnected':
      return html`<p class="banner">
        Not connected to an Outpost relay. ${CONNECT_LINK} (or run “Outpost: Connect to Relay…”) and rollouts and device
        health appear here.
      </p>`;
    case 'connecting':
      return html`<p class="banner">Connecting to ${c.relay}…</p>`;
    case 'reconnecting':
      return html`<p class="banner warn">
        Lost the connection to ${c.relay} (${c.reason}). Reconnecting by itself; what is shown may be out of date.
      </p>`;
    case 'failed':
      return html`<p class="banner error">
        Could not connect to ${c.relay}. ${c.message} ${CONNECT_LINK} to try again.
      </p>`;
    case 'connected': {
      const online = devices.filter((d) => d.online).length;
      return html`<p>
        Connected to <code>${c.relay}</code> as ${c.operator} (${c.role}) · ${online}/${devices.length} devices online
      </p>`;
    }
  }
}

/** Renders every section; without a connection only the status says anything. */
export function dashboardSections(input: DashboardInput): Sections {
  const { connection: c } = input;
  const connected = c.kind === 'connected' || c.kind === 'reconnecting';
  const rollouts =
    c.kind === 'connected' && !c.deployments
      ? renderRollouts('unavailable')
      : renderRollouts(rolloutViews(input.deployments));
  return {
    status: renderStatus(c, input.devices).text,
    rollouts: connected ? rollouts.text : '',
    health: connected ? renderHealth(healthView(input.devices, input.history, input.now)).text : '',
  };
}
