// "Outpost: Open Dashboard": one webview panel, fed by the relay connection's models and updated section by section.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Deployment } from '../deploymentJson';
import { Commands } from '../ids';
import type { Services } from '../services';
import { dashboardPage, type ReadyMessage, type SectionsMessage } from './dashboardPage';
import { dashboardSections, SECTION_IDS, type Sections } from './dashboardSections';
import { feedHistory } from './historyFeed';
import { TelemetryHistory } from './telemetryHistory';
import { Throttle } from './throttle';

/** The webview panel's view type. */
export const DASHBOARD_VIEW_TYPE = 'outpost.dashboard';
/** At most two updates a second, however fast the relay's events come. */
const UPDATE_INTERVAL_MS = 500;

function deploymentsOf(s: Services): Deployment[] {
  return s.deployments
    .rows()
    .map((r) => s.deployments.get(r.deploymentId))
    .filter((d) => d !== undefined);
}

const isReady = (m: unknown): m is ReadyMessage =>
  typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'ready';

/** The open dashboard. Updates come from model events only (no polling) and stop when the panel closes. */
class DashboardPanel {
  static current: DashboardPanel | undefined;
  private posted: Partial<Sections> = {};
  private readonly throttle = new Throttle(() => this.update(), UPDATE_INTERVAL_MS);
  private readonly subscriptions: Array<{ dispose(): void }> = [];

  /** Reveals the open dashboard, or opens one. */
  static show(s: Services, history: TelemetryHistory): void {
    if (DashboardPanel.current) {
      DashboardPanel.current.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, 'Outpost Dashboard', vscode.ViewColumn.Active, {
      enableScripts: true,
      // The page's links run only these: the next step when disconnected, and a first deployment.
      enableCommandUris: [Commands.connect, Commands.deploy],
      localResourceRoots: [],
    });
    panel.iconPath = vscode.Uri.joinPath(s.context.extensionUri, 'media', 'outpost.svg');
    DashboardPanel.current = new DashboardPanel(panel, s, history);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly s: Services,
    private readonly history: TelemetryHistory,
  ) {
    const sections = this.sections();
    panel.webview.html = dashboardPage(sections, {
      cspSource: panel.webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
    });
    this.posted = sections;
    const changed = (): void => this.throttle.schedule();
    this.subscriptions.push(
      s.fleet.onDidChange(changed),
      s.deployments.onDidChange(changed),
      s.connection.onDidChangeState(changed),
      // A hidden webview is recreated from its first HTML when shown again; its script then asks for everything.
      panel.webview.onDidReceiveMessage((m: unknown) => {
        if (!isReady(m)) return;
        this.posted = {};
        this.update();
      }),
      panel.onDidChangeViewState(changed),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private sections(): Sections {
    return dashboardSections({
      connection: this.s.connection.state,
      devices: this.s.fleet.all(),
      history: this.history,
      deployments: deploymentsOf(this.s),
      now: Date.now(),
    });
  }

  // Posts the sections whose HTML changed; the page swaps them in place, so scrolling and open details survive.
  private update(): void {
    if (!this.panel.visible) return;
    const next = this.sections();
    const changed = SECTION_IDS.filter((id) => this.posted[id] !== next[id]);
    this.posted = next;
    if (!changed.length) return;
    const message: SectionsMessage = {
      type: 'sections',
      sections: Object.fromEntries(changed.map((id) => [id, next[id]])),
    };
    void this.panel.webview.postMessage(message).then((delivered) => {
      if (!delivered) this.posted = {};
    });
  }

  dispose(): void {
    if (DashboardPanel.current !== this) return;
    DashboardPanel.current = undefined;
    this.throttle.dispose();
    for (const d of this.subscriptions.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

/** Registers the dashboard command and starts keeping telemetry history (from activation, so it covers earlier events). */
export function registerDashboard(s: Services): vscode.Disposable[] {
  const history = new TelemetryHistory();
  return [
    feedHistory(s.fleet, history),
    vscode.commands.registerCommand(Commands.openDashboard, () => DashboardPanel.show(s, history)),
    { dispose: () => DashboardPanel.current?.dispose() },
  ];
}
