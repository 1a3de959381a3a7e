import { html, type SafeHtml } from './html.js';
import type { WidgetSummary } from './widget-summary.js';

export function percent(x: number | null): string {
  return x === null ? '–' : `${Math.round(x * 100)}%`;
}

export function intervalText(s: WidgetSummary): string {
  return s.low === null || s.high === null
    ? 'no post took a side'
    : `95% interval ${percent(s.low)}–${percent(s.high)}`;
}

/** `29 Apr 2016, 00:00` in the series' zone: the ISO string already carries its wall-clock time. */
export function shortTime(iso: string | null): string {
  if (!iso) return 'no data yet';
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${Number(iso.slice(8, 10))} ${months[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}, ${iso.slice(11, 16)}`;
}

export interface WidgetPageInput {
  summary: WidgetSummary;
  /** Path and query of the data the page refreshes from (same origin). */
  dataPath: string;
  dashboardPath: string;
  refreshSeconds: number;
  theme: 'light' | 'dark';
}

/**
 * The widget page: complete without script (server-rendered), then refreshed by /assets/widget.js. No
 * inline script or style, nothing from another host.
 */
export function widgetPage(input: WidgetPageInput): SafeHtml {
  const s = input.summary;
  // prettier-ignore
  return html`<!doctype html>
<html lang="en" data-theme="${input.theme}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${s.name}: support share (Groundswell)</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/widget.css">
<script type="module" src="/assets/widget.js"></script>
</head>
<body>
<main class="gs-widget" data-endpoint="${input.dataPath}" data-refresh="${input.refreshSeconds}" aria-live="polite">
  <header class="gs-head">
    <h1 class="gs-topic" data-field="name">${s.name}</h1>
    <span class="gs-window" data-field="window">${s.window}</span>
  </header>
  <div class="gs-body">
    <div class="gs-now">
      <span class="gs-share" data-field="share">${percent(s.share)}</span>
      <span class="gs-label">support</span>
      <span class="gs-interval" data-field="interval">${intervalText(s)}</span>
      <span class="gs-trend" data-field="trend" data-direction="${s.trend.direction}">${s.trend.label}</span>
      <span class="gs-low" data-field="lowVolume"${s.lowVolume ? '' : html` hidden`}>too few posts to read</span>
    </div>
    <svg class="gs-spark" viewBox="0 0 ${s.spark.width} ${s.spark.height}" preserveAspectRatio="none" role="img" aria-label="Support share over the period">
      <line class="gs-mid" x1="0" x2="${s.spark.width}" y1="${s.spark.height / 2}" y2="${s.spark.height / 2}"></line>
      <path class="gs-band" data-field="band" d="${s.spark.band}"></path>
      <path class="gs-line" data-field="line" d="${s.spark.line}"></path>
    </svg>
  </div>
  <footer class="gs-foot">
    <span data-field="sample"${s.sample ? '' : html` hidden`}>sample data · </span>
    <span>data to <time data-field="lastDataAt" datetime="${s.lastDataAt ?? ''}">${shortTime(s.lastDataAt)}</time> (${s.tz})</span>
    <span data-field="updated"${s.updatedAt ? '' : html` hidden`}>· collected <time data-field="updatedAt" datetime="${s.updatedAt ?? ''}">${shortTime(s.updatedAt)} UTC</time></span>
    · <a href="${input.dashboardPath}" target="_blank" rel="noopener noreferrer">Groundswell</a>
  </footer>
</main>
</body>
</html>
`;
}
