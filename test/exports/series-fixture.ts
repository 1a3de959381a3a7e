import type { ExportBucket, ExportProvenance, ExportSeries } from '../../src/exports/series-shape.js';

/** ISO-8601 with a fixed offset (`+01:00`), as the series API writes times in a zone. */
export function isoWithOffset(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function wilson(s: number, n: number): [number, number] | [null, null] {
  if (n === 0) return [null, null];
  const z = 1.959963984540054;
  const p = s / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

export function bucket(
  startMs: number,
  lengthMs: number,
  offset: number,
  s: number,
  o: number,
  n: number,
): ExportBucket {
  const [low, high] = wilson(s, s + o);
  return {
    start: isoWithOffset(startMs, offset),
    end: isoWithOffset(startMs + lengthMs, offset),
    support: s,
    oppose: o,
    neutral: n,
    total: s + o + n,
    supportShare: s + o ? s / (s + o) : null,
    supportShareLow: low,
    supportShareHigh: high,
    lowVolume: s + o < 30,
    coverage: { sample: 'ok' },
  };
}

/** An hourly series in a zone at +01:00 with a wave of support, a quiet night and a strike-day annotation. */
export function hourlySeries(hours = 96, overrides: Partial<ExportSeries> = {}): ExportSeries {
  const start = Date.parse('2016-04-24T23:00:00Z');
  const buckets: ExportBucket[] = [];
  for (let i = 0; i < hours; i++) {
    const quiet = i % 24 < 6;
    const s = quiet ? 3 + (i % 5) : 40 + Math.round(25 * Math.sin(i / 9));
    const o = quiet ? 2 + (i % 3) : 20 + Math.round(10 * Math.cos(i / 7));
    buckets.push(bucket(start + i * 3_600_000, 3_600_000, 60, s, o, quiet ? 4 : 30));
  }
  return {
    topic: 'juniorcontract',
    interval: 'hour',
    tz: 'Europe/London',
    from: buckets[0]?.start ?? isoWithOffset(start, 60),
    to: buckets[buckets.length - 1]?.end ?? isoWithOffset(start, 60),
    version: 1,
    sample: true,
    filters: { sources: null, reposts: 'include', lang: null },
    buckets,
    annotations: [{ at: '2016-04-26T08:00:00+01:00', label: 'Strike begins 08:00', url: null }],
    ...overrides,
  };
}

export const provenance: ExportProvenance = {
  topicName: "Junior doctors' contract",
  classifier: 'lexicon-1',
  query: '#juniorcontract OR "junior doctors"',
};
