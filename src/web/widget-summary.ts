import type { ExportBucket, ExportSeries } from '../exports/series-shape.js';

/** The 97.5th percentile of the standard normal distribution. */
const Z_95 = 1.959963984540054;

export const SPARK_WIDTH = 300;
export const SPARK_HEIGHT = 64;

export type TrendDirection = 'rising' | 'falling' | 'steady' | 'unknown';

/** Everything the widget shows, computed on the server so that the page's script only places values. */
export interface WidgetSummary {
  topic: string;
  name: string;
  interval: string;
  tz: string;
  from: string;
  to: string;
  sample: boolean;
  /** Support share over the latest window of buckets with posts, with its Wilson 95% interval. */
  share: number | null;
  low: number | null;
  high: number | null;
  /** Posts in that window that took a side (support + oppose), and all its posts. */
  sided: number;
  posts: number;
  /** e.g. "last 24 hours of data". */
  window: string;
  lowVolume: boolean;
  trend: { direction: TrendDirection; change: number | null; label: string };
  /** End of the latest bucket with posts, in the series' zone; null when there is none. */
  lastDataAt: string | null;
  /** When collection last finished for the topic (UTC); null for a topic that is not collected. */
  updatedAt: string | null;
  spark: { width: number; height: number; line: string; band: string };
}

export function wilson(successes: number, trials: number): { low: number; high: number } | null {
  if (trials <= 0) return null;
  const p = successes / trials;
  const z2 = Z_95 * Z_95;
  const d = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / d;
  const half = (Z_95 * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / d;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** How many buckets make the "current" window: about a day of 15-minute or hourly buckets, a week of days. */
export function windowBuckets(interval: string): { count: number; label: string } {
  switch (interval) {
    case '15m':
      return { count: 16, label: 'last 4 hours of data' };
    case 'hour':
      return { count: 24, label: 'last 24 hours of data' };
    case 'day':
      return { count: 7, label: 'last 7 days of data' };
    default:
      return { count: 4, label: 'last 4 weeks of data' };
  }
}

function sum(buckets: readonly ExportBucket[]): { support: number; oppose: number; total: number } {
  const out = { support: 0, oppose: 0, total: 0 };
  for (const b of buckets) {
    out.support += b.support;
    out.oppose += b.oppose;
    out.total += b.total;
  }
  return out;
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/**
 * Rising or falling only when the change between the latest window and the one before is significant (a
 * two-proportion z-test at 95%); anything else is steady. Too little data is unknown.
 */
export function trendOf(
  current: { support: number; oppose: number },
  previous: { support: number; oppose: number },
): WidgetSummary['trend'] {
  const n1 = current.support + current.oppose;
  const n0 = previous.support + previous.oppose;
  if (n1 === 0 || n0 === 0)
    return { direction: 'unknown', change: null, label: 'no earlier data to compare' };
  const p1 = current.support / n1;
  const p0 = previous.support / n0;
  const pooled = (current.support + previous.support) / (n1 + n0);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
  const z = se === 0 ? 0 : (p1 - p0) / se;
  const change = round4(p1 - p0);
  const points = `${change >= 0 ? '+' : '−'}${Math.abs(Math.round(change * 1000) / 10)} pts`;
  if (z > Z_95) return { direction: 'rising', change, label: `rising, ${points}` };
  if (z < -Z_95) return { direction: 'falling', change, label: `falling, ${points}` };
  return { direction: 'steady', change, label: `steady (${points}, not significant)` };
}

/** SVG path data for the support share (line, broken at empty buckets) and its interval (band). */
export function sparkPaths(buckets: readonly ExportBucket[]): { line: string; band: string } {
  const n = buckets.length;
  if (n === 0) return { line: '', band: '' };
  const x = (i: number) => (n === 1 ? SPARK_WIDTH / 2 : (i / (n - 1)) * SPARK_WIDTH).toFixed(1);
  const y = (v: number) => ((1 - v) * (SPARK_HEIGHT - 4) + 2).toFixed(1);
  let line = '';
  let band = '';
  let run: number[] = [];
  const flushBand = () => {
    if (run.length === 0) return;
    const top = run.map((i) => `${x(i)},${y(buckets[i].supportShareHigh ?? 0)}`);
    const bottom = run.reverse().map((i) => `${x(i)},${y(buckets[i].supportShareLow ?? 0)}`);
    band += `M${top.join('L')}L${bottom.join('L')}Z`;
    run = [];
  };
  let pen = false;
  buckets.forEach((b, i) => {
    if (b.supportShare === null) {
      pen = false;
      flushBand();
      return;
    }
    line += `${pen ? 'L' : 'M'}${x(i)},${y(b.supportShare)}`;
    pen = true;
    run.push(i);
  });
  flushBand();
  return { line, band };
}

export function widgetSummary(series: ExportSeries, name: string, updatedAt: Date | null): WidgetSummary {
  const { count, label } = windowBuckets(series.interval);
  let last = -1;
  for (let i = series.buckets.length - 1; i >= 0; i--) {
    if (series.buckets[i].total > 0) {
      last = i;
      break;
    }
  }
  const current = last >= 0 ? series.buckets.slice(Math.max(0, last - count + 1), last + 1) : [];
  const previous =
    last >= 0 ? series.buckets.slice(Math.max(0, last - 2 * count + 1), Math.max(0, last - count + 1)) : [];
  const c = sum(current);
  const interval = wilson(c.support, c.support + c.oppose);
  return {
    topic: series.topic,
    name,
    interval: series.interval,
    tz: series.tz,
    from: series.from,
    to: series.to,
    sample: series.sample,
    share: interval ? round4(c.support / (c.support + c.oppose)) : null,
    low: interval ? round4(interval.low) : null,
    high: interval ? round4(interval.high) : null,
    sided: c.support + c.oppose,
    posts: c.total,
    window: label,
    lowVolume: c.support + c.oppose < 30,
    trend: trendOf(c, sum(previous)),
    lastDataAt: last >= 0 ? series.buckets[last].end : null,
    updatedAt: updatedAt ? updatedAt.toISOString() : null,
    spark: { width: SPARK_WIDTH, height: SPARK_HEIGHT, ...sparkPaths(series.buckets) },
  };
}
