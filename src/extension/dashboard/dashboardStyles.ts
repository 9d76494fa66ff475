// The dashboard's stylesheet: VS Code theme colours through its CSS variables, so every theme (and high contrast) fits.

/** State colours shared by bar segments (SVG fill) and legend keys (background). */
const STATE_COLOURS: Record<string, string> = {
  pending: 'var(--vscode-disabledForeground, var(--vscode-descriptionForeground))',
  downloading: 'var(--vscode-charts-blue)',
  verifying: 'var(--vscode-charts-blue)',
  installing: 'var(--vscode-charts-blue)',
  rebooting: 'var(--vscode-charts-purple, var(--vscode-charts-blue))',
  confirming: 'var(--vscode-charts-purple, var(--vscode-charts-blue))',
  deferred: 'var(--vscode-charts-yellow)',
  confirmed: 'var(--vscode-charts-green)',
  failed: 'var(--vscode-charts-red)',
  rolled_back: 'var(--vscode-charts-orange, var(--vscode-charts-red))',
  canceled: 'var(--vscode-descriptionForeground)',
};

const stateRules = Object.entries(STATE_COLOURS)
  .map(([s, c]) => `.st-${s} { fill: ${c}; } .k-${s} { background: ${c}; }`)
  .join('\n');

export const DASHBOARD_CSS = `
body { color: var(--vscode-foreground); background: var(--vscode-editor-background);
  font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); margin: 0; padding: 0 20px 32px; }
h1 { font-size: 1.5em; font-weight: 600; margin: 16px 0 8px; }
h2 { font-size: 1.25em; font-weight: 600; margin: 24px 0 8px; border-bottom: 1px solid var(--vscode-panel-border, transparent); padding-bottom: 4px; }
h3 { font-size: 1.1em; font-weight: 600; margin: 16px 0 4px; }
h4 { font-size: 1em; font-weight: 600; margin: 12px 0 4px; }
a { color: var(--vscode-textLink-foreground); }
a:hover { color: var(--vscode-textLink-activeForeground); }
:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
code { font-family: var(--vscode-editor-font-family); background: var(--vscode-textCodeBlock-background); padding: 0 3px; }
.muted { color: var(--vscode-descriptionForeground); }
.banner { border-left: 3px solid var(--vscode-focusBorder); padding: 8px 12px; background: var(--vscode-textBlockQuote-background); }
.banner.warn { border-left-color: var(--vscode-editorWarning-foreground); }
.banner.error { border-left-color: var(--vscode-editorError-foreground); }
.reason { color: var(--vscode-editorWarning-foreground); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; }
th, td { text-align: left; padding: 4px 8px; vertical-align: middle; border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border, transparent)); }
thead th { color: var(--vscode-descriptionForeground); font-weight: 600; }
tbody th { font-weight: 600; }
td.chart { width: 168px; }
.presence.online { color: var(--vscode-testing-iconPassed, var(--vscode-charts-green)); }
.presence.offline { color: var(--vscode-disabledForeground, var(--vscode-descriptionForeground)); }
svg.spark { display: block; overflow: visible; }
svg.spark .line { fill: none; stroke-width: 1.5; stroke-linejoin: round; stroke-linecap: round; }
svg.spark.rssi .line { stroke: var(--vscode-charts-blue); }
svg.spark.uptime .line { stroke: var(--vscode-charts-green); }
svg.spark .projection { fill: none; stroke: var(--vscode-charts-green); stroke-width: 1; stroke-dasharray: 1 3; }
svg.spark .dot { fill: var(--vscode-foreground); }
svg.spark .reboot { stroke: var(--vscode-charts-red); stroke-width: 1; stroke-dasharray: 2 2; }
svg.bar { display: block; width: 100%; max-width: 640px; height: 10px; border-radius: 2px; }
svg.bar .track { fill: var(--vscode-input-background, transparent); }
.legend { margin: 4px 0; }
.legend > span { margin-right: 12px; white-space: nowrap; }
.key { display: inline-block; width: 9px; height: 9px; margin-right: 4px; border-radius: 2px; vertical-align: baseline; }
.badge { font-size: 0.85em; font-weight: normal; padding: 1px 6px; border-radius: 8px;
  background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.rollout { margin-bottom: 20px; }
progress { appearance: none; -webkit-appearance: none; width: 120px; height: 6px; border: none; vertical-align: middle;
  background: var(--vscode-input-background); }
progress::-webkit-progress-bar { background: var(--vscode-input-background); }
progress::-webkit-progress-value { background: var(--vscode-progressBar-background); }
details { margin: 2px 0; }
summary { cursor: pointer; }
table.readings { width: auto; }
${stateRules}
`;
