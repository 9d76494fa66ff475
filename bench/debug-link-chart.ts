// Draws docs/images/debug-link.svg from bench/results/debug-link.json (no measuring).
//
// Usage: npx tsx bench/debug-link-chart.ts [RESULT.json] [OUT.svg]
import fs from 'node:fs';
import path from 'node:path';
import { barChartSvg } from './support/barChart';
import { debugLinkChart, type DebugLinkResult } from './support/debugLinkResult';

const root = path.resolve(__dirname, '..');

/** Writes the chart of `resultFile` to `svgFile`. */
export function writeDebugLinkChart(resultFile: string, svgFile: string): void {
  const result = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as DebugLinkResult;
  fs.mkdirSync(path.dirname(svgFile), { recursive: true });
  fs.writeFileSync(svgFile, barChartSvg(debugLinkChart(result)));
}

if (require.main === module) {
  const [input, output] = process.argv.slice(2);
  const resultFile = input ?? path.join(root, 'bench', 'results', 'debug-link.json');
  if (!fs.existsSync(resultFile)) {
    process.stderr.write(`debug-link-chart: no ${resultFile}; run npx tsx bench/debug-link.ts first\n`);
    process.exit(2);
  }
  writeDebugLinkChart(resultFile, output ?? path.join(root, 'docs', 'images', 'debug-link.svg'));
}
