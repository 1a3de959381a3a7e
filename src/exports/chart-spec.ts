import type { TopLevelSpec } from 'vega-lite';
import {
  type ExportProvenance,
  type ExportSeries,
  postsIn,
  sourcesOf,
  wallClockAsUtc,
} from './series-shape.js';

export const CHART_KINDS = ['share', 'volume', 'both'] as const;
export type ChartKind = (typeof CHART_KINDS)[number];
export const CHART_THEMES = ['light', 'dark'] as const;
export type ChartTheme = (typeof CHART_THEMES)[number];

export interface ChartOptions {
  width: number;
  height: number;
  title?: string;
  kind: ChartKind;
  theme: ChartTheme;
}

export const CHART_DEFAULTS: ChartOptions = { width: 800, height: 450, kind: 'both', theme: 'light' };

/**
 * The fonts the chart names. DejaVu Sans is shipped with the project (npm `dejavu-fonts-ttf`) and loaded by
 * the PNG rasteriser, so PNGs look the same on every machine; SVG viewers fall back to their own sans.
 */
export const CHART_FONT = 'DejaVu Sans, Verdana, Arial, sans-serif';

interface Palette {
  background: string;
  text: string;
  muted: string;
  grid: string;
  support: string;
  oppose: string;
  neutral: string;
  lowVolume: string;
  annotation: string;
}

// Blue and red from ColorBrewer's RdBu: told apart with every common colour-vision deficiency.
const PALETTES: Record<ChartTheme, Palette> = {
  light: {
    background: '#ffffff',
    text: '#1f2328',
    muted: '#59636e',
    grid: '#e3e6e8',
    support: '#2166ac',
    oppose: '#b2182b',
    neutral: '#b8bcc2',
    lowVolume: '#8c959f',
    annotation: '#6e4a00',
  },
  dark: {
    background: '#16191d',
    text: '#e6e8eb',
    muted: '#a4acb5',
    grid: '#2f353c',
    support: '#6cb2e8',
    oppose: '#f08a7a',
    neutral: '#5c636b',
    lowVolume: '#9aa3ad',
    annotation: '#e3b341',
  },
};

/** Room taken by axes, titles, legend and credit, so that the whole chart comes out near width × height. */
const CHROME = { left: 58, right: 16, title: 52, credit: 44, xAxis: 28, legend: 24, gap: 14 };

export interface ChartRow {
  /** Bucket start and end, ISO-8601 with the offset of the series' zone. */
  start: string;
  end: string;
  /** Start and end as wall-clock time in the zone, written as UTC epoch ms (the axes use a UTC scale). */
  t: number;
  t2: number;
  support: number;
  oppose: number;
  neutral: number;
  total: number;
  share: number | null;
  low: number | null;
  high: number | null;
  lowVolume: boolean;
}

export function chartRows(series: ExportSeries): ChartRow[] {
  return series.buckets.map((b) => ({
    start: b.start,
    end: b.end,
    t: wallClockAsUtc(b.start),
    t2: wallClockAsUtc(b.end),
    support: b.support,
    oppose: b.oppose,
    neutral: b.neutral,
    total: b.total,
    share: b.supportShare,
    low: b.supportShareLow,
    high: b.supportShareHigh,
    lowVolume: b.lowVolume,
  }));
}

/** Consecutive low-volume buckets as one span each, so a long quiet stretch is one shaded rectangle. */
export function lowVolumeRuns(rows: readonly ChartRow[]): { t: number; t2: number }[] {
  const runs: { t: number; t2: number }[] = [];
  for (const r of rows) {
    if (!r.lowVolume) continue;
    const last = runs[runs.length - 1];
    if (last && last.t2 === r.t) last.t2 = r.t2;
    else runs.push({ t: r.t, t2: r.t2 });
  }
  return runs;
}

export function defaultTitle(series: ExportSeries, provenance: ExportProvenance, kind: ChartKind): string {
  const what = kind === 'volume' ? 'posts by stance' : 'support share';
  return `${provenance.topicName}: ${what}`;
}

/** Two short lines, so that the credit fits a 600-pixel chart. */
export function creditLines(series: ExportSeries, provenance: ExportProvenance): string[] {
  const sources = sourcesOf(series);
  const posts = postsIn(series).toLocaleString('en-GB');
  const first = [
    `Source${sources.length === 1 ? '' : 's'}: ${sources.length ? sources.join(', ') : 'none'}`,
    `${posts} post${posts === '1' ? '' : 's'}`,
    // The release only (build metadata after '+' is long); the file name and headers carry the full version.
    `classifier ${provenance.classifier.split('+')[0]}, lexicon v${series.version}`,
    'Groundswell',
  ];
  const second = [
    `Times in ${series.tz}`,
    ...(series.sample ? ['sample data'] : []),
    'grey: too few posts to read the share',
  ];
  return [first.join(' · '), second.join(' · ')];
}

function rangeLabel(series: ExportSeries): string {
  const day = (iso: string) => iso.slice(0, 10);
  const time = (iso: string) => iso.slice(11, 16);
  const dated = series.interval === 'day' || series.interval === 'week';
  const from = dated ? day(series.from) : `${day(series.from)} ${time(series.from)}`;
  const to = dated ? day(series.to) : `${day(series.to)} ${time(series.to)}`;
  const interval =
    series.interval === '15m' ? '15-minute' : series.interval === 'hour' ? 'hourly' : `${series.interval}ly`;
  return `${from} to ${to}, ${interval} buckets`;
}

/** Axis label formats by bucket length: hours only when the buckets are shorter than a day. */
function timeFormat(interval: string): string {
  return interval === 'day' || interval === 'week' ? '%-d %b %Y' : '%-d %b %H:%M';
}

/**
 * A Vega-Lite specification of the chart, data inline: the support share as a line with its Wilson interval
 * as a band, volumes as stacked bars by stance, annotations as labelled rules, low-volume buckets shaded,
 * and a credit line naming sources, posts, classifier, zone and whether the data is the bundled sample.
 */
export function chartSpec(
  series: ExportSeries,
  provenance: ExportProvenance,
  options: ChartOptions,
): TopLevelSpec {
  const p = PALETTES[options.theme];
  const rows = chartRows(series);
  const annotations = series.annotations.map((a) => ({ at: a.at, t: wallClockAsUtc(a.at), label: a.label }));
  const innerWidth = Math.max(120, options.width - CHROME.left - CHROME.right);
  const available = Math.max(
    120,
    options.height -
      CHROME.title -
      CHROME.credit -
      CHROME.xAxis * (options.kind === 'both' ? 2 : 1) -
      (options.kind === 'share' ? 0 : CHROME.legend) -
      (options.kind === 'both' ? CHROME.gap : 0),
  );
  const shareHeight = options.kind === 'both' ? Math.round(available * 0.62) : available;
  const volumeHeight = options.kind === 'both' ? available - shareHeight : available;
  const dense = rows.length > innerWidth / 2;
  const tickCount = Math.max(3, Math.min(10, Math.floor(innerWidth / 110)));
  const x = {
    field: 't',
    type: 'temporal' as const,
    title: null,
    scale: {
      type: 'utc' as const,
      nice: false,
      domainMin: rows.length ? rows[0].t : undefined,
      domainMax: rows.length ? rows[rows.length - 1].t2 : undefined,
    },
    axis: { format: timeFormat(series.interval), tickCount, labelOverlap: true },
  };

  const annotationLayers = (withLabels: boolean) => [
    {
      data: { values: annotations },
      mark: { type: 'rule' as const, color: p.annotation, strokeDash: [4, 3], strokeWidth: 1.2 },
      encoding: { x },
    },
    ...(withLabels
      ? [
          {
            data: { values: annotations },
            mark: {
              type: 'text' as const,
              color: p.annotation,
              align: 'left' as const,
              baseline: 'top' as const,
              dx: 3,
              dy: 2,
              fontSize: 11,
            },
            encoding: {
              x,
              y: { value: 0 },
              text: { field: 'label', type: 'nominal' as const },
            },
          },
        ]
      : []),
  ];

  const shareView = {
    width: innerWidth,
    height: shareHeight,
    data: { values: rows },
    encoding: { x },
    layer: [
      {
        data: { values: lowVolumeRuns(rows) },
        mark: { type: 'rect' as const, color: p.lowVolume, opacity: options.theme === 'dark' ? 0.22 : 0.16 },
        encoding: { x2: { field: 't2' } },
      },
      {
        mark: { type: 'rule' as const, color: p.muted, strokeDash: [2, 2], opacity: 0.7 },
        encoding: { x: null, y: { datum: 0.5, type: 'quantitative' as const } },
      },
      {
        mark: { type: 'area' as const, color: p.support, opacity: 0.22 },
        encoding: {
          y: {
            field: 'low',
            type: 'quantitative' as const,
            title: 'Support share',
            scale: { domain: [0, 1] },
            axis: { format: '.0%', tickCount: 5 },
          },
          y2: { field: 'high' },
        },
      },
      {
        mark: { type: 'line' as const, color: p.support, strokeWidth: 2, interpolate: 'linear' as const },
        encoding: { y: { field: 'share', type: 'quantitative' as const } },
      },
      ...annotationLayers(true),
    ],
  };

  const volumeView = {
    width: innerWidth,
    height: volumeHeight,
    data: { values: rows },
    layer: [
      {
        // Stacked by hand: Vega-Lite does not stack bars that span x to x2.
        transform: [
          { fold: ['support', 'oppose', 'neutral'], as: ['stance', 'posts'] },
          {
            calculate:
              "datum.stance === 'support' ? 0 : datum.stance === 'oppose' ? datum.support : datum.support + datum.oppose",
            as: 'y0',
          },
          { calculate: 'datum.y0 + datum.posts', as: 'y1' },
        ],
        // More buckets than pixels: one stepped area a stance rather than thousands of sub-pixel bars.
        mark: dense
          ? { type: 'area' as const, interpolate: 'step-after' as const }
          : { type: 'bar' as const },
        encoding: {
          x,
          ...(dense ? {} : { x2: { field: 't2' } }),
          y: { field: 'y1', type: 'quantitative' as const, title: 'Posts' },
          y2: { field: 'y0' },
          color: {
            field: 'stance',
            type: 'nominal' as const,
            scale: { domain: ['support', 'oppose', 'neutral'], range: [p.support, p.oppose, p.neutral] },
            legend: { orient: 'top' as const, title: null, direction: 'horizontal' as const },
          },
        },
      },
      ...annotationLayers(options.kind === 'volume'),
    ],
  };

  const creditView = {
    width: innerWidth,
    height: 12,
    data: { values: [{ credit: creditLines(series, provenance) }] },
    mark: {
      type: 'text' as const,
      align: 'left' as const,
      baseline: 'top' as const,
      color: p.muted,
      fontSize: 11,
      lineHeight: 15,
      dx: -CHROME.left + 12,
    },
    encoding: { x: { value: 0 }, y: { value: 0 }, text: { field: 'credit', type: 'nominal' as const } },
  };

  const views =
    options.kind === 'share'
      ? [shareView]
      : options.kind === 'volume'
        ? [volumeView]
        : [shareView, volumeView];

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `Groundswell chart of topic ${series.topic}: ${rangeLabel(series)}, ${series.tz}`,
    background: p.background,
    padding: { left: 8, right: 8, top: 8, bottom: 8 },
    title: {
      text: options.title?.trim() || defaultTitle(series, provenance, options.kind),
      subtitle: rangeLabel(series),
      anchor: 'start',
      color: p.text,
      subtitleColor: p.muted,
      fontSize: 16,
      subtitleFontSize: 12,
      limit: options.width - 24,
      offset: 10,
    },
    spacing: CHROME.gap,
    vconcat: [...views, creditView],
    resolve: { scale: { x: 'shared' } },
    config: {
      font: CHART_FONT,
      view: { stroke: null },
      axis: {
        labelColor: p.muted,
        titleColor: p.text,
        gridColor: p.grid,
        domainColor: p.grid,
        tickColor: p.grid,
        labelFontSize: 11,
        titleFontSize: 11,
        titleFontWeight: 'normal',
      },
      legend: { labelColor: p.text, labelFontSize: 11, symbolType: 'square' },
      text: { color: p.text },
    },
    usermeta: {
      groundswell: {
        topic: series.topic,
        interval: series.interval,
        tz: series.tz,
        from: series.from,
        to: series.to,
        version: series.version,
        classifier: provenance.classifier,
        sources: sourcesOf(series),
        sample: series.sample,
        note: 'Field t (t2) is the bucket start (end) as wall-clock time in tz, written as UTC: draw it on a UTC time scale.',
      },
    },
  } as TopLevelSpec;
}
