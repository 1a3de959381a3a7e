/**
 * The part of the series API's answer (issue 7, `GET /api/v1/topics/:slug/series`) that exports, charts and
 * widgets draw from. SeriesService's SeriesResponse satisfies it; pure functions take this shape so that
 * they can be tested with constructed series.
 */
export interface ExportBucket {
  /** ISO-8601 with the offset of the series' zone. */
  start: string;
  end: string;
  support: number;
  oppose: number;
  neutral: number;
  total: number;
  supportShare: number | null;
  supportShareLow: number | null;
  supportShareHigh: number | null;
  lowVolume: boolean;
  coverage: Record<string, string>;
}

export interface ExportAnnotation {
  at: string;
  label: string;
  url?: string | null;
}

export interface ExportSeries {
  topic: string;
  interval: string;
  tz: string;
  from: string;
  to: string;
  version: number;
  sample: boolean;
  filters?: { sources: string[] | null; reposts: string; lang: string[] | null };
  buckets: ExportBucket[];
  annotations: ExportAnnotation[];
}

/** What a published file or chart must say about how it was made, beyond the series itself. */
export interface ExportProvenance {
  topicName: string;
  /** The classifier's rules and lexicon data (PostClassifier.version). */
  classifier: string;
  /** The topic's query in words: hashtags and keywords. */
  query: string;
}

/** The wall-clock time of an ISO-8601 instant with offset, as the digits it shows (`2016-04-26T09:00`). */
export function wallClock(iso: string): string {
  return iso.slice(0, 16);
}

/**
 * The wall-clock time of an instant, as if it were UTC. Charts are drawn on a UTC time scale from these, so
 * that axes read in the series' zone whatever zone the server runs in.
 */
export function wallClockAsUtc(iso: string): number {
  return Date.parse(`${iso.slice(0, 19)}Z`);
}

export function postsIn(series: ExportSeries): number {
  let n = 0;
  for (const b of series.buckets) n += b.total;
  return n;
}

/** Sources to name in a credit or file name: the filter if there is one, else those the buckets cover. */
export function sourcesOf(series: ExportSeries): string[] {
  if (series.filters?.sources?.length) return [...series.filters.sources].sort();
  const names = new Set<string>();
  for (const b of series.buckets) for (const s of Object.keys(b.coverage)) names.add(s);
  return [...names].sort();
}
