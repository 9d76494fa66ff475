// The dashboard's HTML document: strict CSP, theme-coloured styles and a tiny script that swaps updated sections.
import { DASHBOARD_CSS } from './dashboardStyles';
import { escapeHtml } from './html';
import { SECTION_IDS, type Sections } from './dashboardSections';

/** Messages from the extension to the page. */
export interface SectionsMessage {
  readonly type: 'sections';
  /** Inner HTML of each changed section. */
  readonly sections: Partial<Sections>;
}
/** The page asks for everything once it has loaded (also after VS Code recreated a hidden webview). */
export interface ReadyMessage {
  readonly type: 'ready';
}

/** The Content-Security-Policy: nothing but the page's own nonce'd style and script, and images from the webview. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

// Replaces the sections it is sent; keeps the readings a user opened open across updates.
const SCRIPT = `(() => {
  const vscode = acquireVsCodeApi();
  window.addEventListener('message', (event) => {
    const m = event.data;
    if (!m || m.type !== 'sections') return;
    for (const [id, markup] of Object.entries(m.sections)) {
      const el = document.getElementById(id);
      if (!el) continue;
      const open = [...el.querySelectorAll('details[open][id]')].map((d) => d.id);
      el.innerHTML = markup;
      for (const o of open) document.getElementById(o)?.setAttribute('open', '');
    }
  });
  vscode.postMessage({ type: 'ready' });
})();`;

/** The whole page with `sections` filled in; `nonce` must be fresh per page (random, base64). */
export function dashboardPage(sections: Sections, opts: { cspSource: string; nonce: string }): string {
  const nonce = escapeHtml(opts.nonce);
  const region = (id: (typeof SECTION_IDS)[number]): string => {
    const label = { status: 'Connection', rollouts: 'Rollouts', health: 'Device health' }[id];
    const live = id === 'status' ? ' aria-live="polite"' : '';
    return `<section id="${id}" aria-label="${label}"${live}>${sections[id]}</section>`;
  };
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(opts.cspSource, opts.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Outpost Dashboard</title>
<style nonce="${nonce}">${DASHBOARD_CSS}</style>
</head>
<body>
<main>
<h1>Outpost dashboard</h1>
${SECTION_IDS.map(region).join('\n')}
</main>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}
