import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { ChartRenderer } from '../src/exports/chart-renderer.js';
import { chartSpec, type ChartOptions } from '../src/exports/chart-spec.js';
import type { ExportBucket, ExportSeries } from '../src/exports/series-shape.js';
import { formatInstant } from '../src/series/series-buckets.js';

/**
 * `npm run bench charts`: server-side chart rendering over a year of hourly data (8,760 buckets), as SVG and as
 * PNG (2×), beside baselines measured in the same run: the Vega-Lite compile alone, and the same chart over
 * 30 days (720 buckets). Medians of ITERATIONS runs (default 5) after one warm-up.
 */
const ITERATIONS = Number(process.env.ITERATIONS ?? 5);
const TZ = 'Europe/London';
const HOUR = 3_600_000;

function wilson(s: number, n: number): [number, number] {
  const z = 1.959963984540054;
  const p = s / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

/** An hourly series shaped like the series API's answer: daily rhythm, slow drift, quiet nights. */
function hourlySeries(hours: number): ExportSeries {
  const start = Date.parse('2016-01-01T00:00:00Z');
  const buckets: ExportBucket[] = [];
  for (let i = 0; i < hours; i++) {
    const hourOfDay = i % 24;
    const volume = hourOfDay < 6 ? 4 : 30 + Math.round(20 * Math.sin(i / 300));
    const support = Math.round(volume * (0.55 + 0.2 * Math.sin(i / 500)));
    const oppose = volume - support;
    const [low, high] = wilson(support, support + oppose);
    buckets.push({
      start: formatInstant(start + i * HOUR, TZ),
      end: formatInstant(start + (i + 1) * HOUR, TZ),
      support,
      oppose,
      neutral: Math.round(volume / 3),
      total: support + oppose + Math.round(volume / 3),
      supportShare: support / (support + oppose),
      supportShareLow: low,
      supportShareHigh: high,
      lowVolume: support + oppose < 30,
      coverage: { mastodon: 'ok', bluesky: 'ok' },
    });
  }
  return {
    topic: 'bench',
    interval: 'hour',
    tz: TZ,
    from: buckets[0].start,
    to: buckets[buckets.length - 1].end,
    version: 1,
    sample: false,
    filters: { sources: null, reposts: 'include', lang: null },
    buckets,
    annotations: [
      { at: formatInstant(start + 2000 * HOUR, TZ), label: 'Strike begins 08:00' },
      { at: formatInstant(start + 6000 * HOUR, TZ), label: 'Contract imposed' },
    ],
  };
}

async function time(fn: () => unknown): Promise<{ median: number; min: number }> {
  await fn();
  const runs: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    global.gc?.();
    const t0 = performance.now();
    await fn();
    runs.push(performance.now() - t0);
  }
  runs.sort((a, b) => a - b);
  return { median: runs[Math.floor(runs.length / 2)], min: runs[0] };
}

async function main(): Promise<void> {
  const renderer = new ChartRenderer();
  const provenance = { topicName: 'Bench topic', classifier: 'bench', query: '#bench' };
  const options: ChartOptions = { width: 800, height: 450, kind: 'both', theme: 'light' };
  const year = hourlySeries(8760);
  const month = hourlySeries(720);
  const yearSpec = chartSpec(year, provenance, options);
  const monthSpec = chartSpec(month, provenance, options);
  let svgBytes = 0;
  let pngBytes = 0;

  const rows: [string, { median: number; min: number }][] = [
    ['baseline: Vega-Lite compile only, 8,760 buckets', await time(() => renderer.compile(yearSpec))],
    ['baseline: SVG, 30 days hourly (720 buckets)', await time(() => renderer.svg(monthSpec))],
    [
      'SVG, a year hourly (8,760 buckets)',
      await time(async () => {
        svgBytes = (await renderer.svg(chartSpec(year, provenance, options))).length;
      }),
    ],
    [
      'PNG 2×, a year hourly (SVG + rasterise)',
      await time(async () => {
        pngBytes = renderer.png(await renderer.svg(chartSpec(year, provenance, options)), 2).png.length;
      }),
    ],
  ];
  const svg = await renderer.svg(yearSpec);
  rows.push(['  of which rasterise alone (resvg, 2×)', await time(() => renderer.png(svg, 2))]);

  process.stdout.write(
    `chart ${options.width}×${options.height}, kind=both, ${ITERATIONS} runs after a warm-up\n`,
  );
  process.stdout.write(`${'what'.padEnd(50)} ${'median ms'.padStart(10)} ${'min ms'.padStart(10)}\n`);
  for (const [label, r] of rows) {
    process.stdout.write(
      `${label.padEnd(50)} ${r.median.toFixed(0).padStart(10)} ${r.min.toFixed(0).padStart(10)}\n`,
    );
  }
  process.stdout.write(
    `year SVG ${(svgBytes / 1024).toFixed(0)} KiB, PNG ${(pngBytes / 1024).toFixed(0)} KiB\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
