import { Injectable } from '@nestjs/common';
import { FieldValidationError } from '../http/problem-details.js';
import { BUCKET_MS } from './rollup.repository.js';
import { bucketsBefore, formatInstant, formatInstants } from './series-buckets.js';
import {
  SeriesParamsParser,
  splitList,
  type SeriesParams,
  type SeriesQueryInput,
  type SeriesTopic,
} from './series-params.js';
import type {
  AnnotationView,
  CompareResponse,
  CoverageStatus,
  SeriesBucket,
  SeriesFilters,
  SeriesResponse,
} from './series.dto.js';
import {
  type AnnotationRow,
  type CoverageCount,
  type Counts,
  SeriesRepository,
  type TopicSourceRow,
} from './series.repository.js';
import { wilsonInterval } from './wilson-interval.js';

/** Fewer posts than this taking a side (support + oppose) and a bucket's share is too uncertain to read. */
export const LOW_VOLUME_THRESHOLD = 30;
export const MAX_COMPARE_TOPICS = 10;
/** The source name of the bundled sample archive. */
export const SAMPLE_SOURCE = 'sample';

export type { SeriesParams, SeriesQueryInput, SeriesTopic };
export type { SeriesBucket, SeriesResponse, CompareResponse, AnnotationView, CoverageStatus };

/**
 * Support versus opposition over time, answered from the 15-minute rollups. `series()` takes validated
 * parameters (from `params()`) and returns the response object, for the HTTP route and for exports alike.
 */
@Injectable()
export class SeriesService {
  constructor(
    private readonly repo: SeriesRepository,
    private readonly parser: SeriesParamsParser,
  ) {}

  /** Validates a query for a topic: 404 for an unknown topic, 400 naming each bad parameter. */
  async params(slug: string, query: SeriesQueryInput, now = Date.now()): Promise<SeriesParams> {
    const topic = await this.parser.topic(slug);
    return this.parser.series(topic, query, now);
  }

  async seriesFor(slug: string, query: SeriesQueryInput, now = Date.now()): Promise<SeriesResponse> {
    return this.series(await this.params(slug, query, now), now);
  }

  async series(p: SeriesParams, now = Date.now()): Promise<SeriesResponse> {
    const n = p.boundaries.length - 1;
    // A rolling window reaches back before the first bucket, so its first values are as good as its last.
    const lead = p.rolling ? p.rolling - 1 : 0;
    const boundaries = lead
      ? [...bucketsBefore(p.boundaries[0], lead, p.interval, p.tz), ...p.boundaries]
      : p.boundaries;
    const configured = p.topic.sources;
    const collected = new Set(configured.map((s) => s.adapter));
    // The archives likely to be shown (the sample, or those asked for) have their spans read alongside.
    const likelyArchives = (p.filter.sources ?? [SAMPLE_SOURCE]).filter((s) => !collected.has(s));
    const [counts, records, annotations, spans] = await Promise.all([
      this.repo.bucketCounts(p.topic.id, p.version, boundaries, p.filter),
      this.repo.coverageCounts(p.topic.id, p.boundaries, p.filter.sources),
      this.repo.annotations(p.topic.id, p.boundaries[0], p.boundaries[n]),
      this.repo.sourceSpans(p.topic.id, p.version, likelyArchives),
    ]);
    const shown = p.filter.sources
      ? [...p.filter.sources].sort()
      : [...new Set([...collected, ...counts.sources])].sort();
    const otherArchives = shown.filter((s) => !collected.has(s) && !likelyArchives.includes(s));
    if (otherArchives.length) {
      for (const [source, span] of await this.repo.sourceSpans(p.topic.id, p.version, otherArchives)) {
        spans.set(source, span);
      }
    }
    const coverage = this.coverage(p, shown, configured, records, spans, now);

    const labels = formatInstants(p.boundaries, p.tz);
    const buckets: SeriesBucket[] = [];
    for (let i = 0; i < n; i++) {
      const c = counts.buckets[lead + i];
      const bucket = bucketView(labels[i], labels[i + 1], c, coverage(i));
      if (p.rolling) {
        const window = sumCounts(counts.buckets.slice(lead + i - p.rolling + 1, lead + i + 1));
        const share = shareOf(window);
        bucket.rollingSupportShare = share.share;
        bucket.rollingSupportShareLow = share.low;
        bucket.rollingSupportShareHigh = share.high;
      }
      buckets.push(bucket);
    }
    return {
      topic: p.topic.slug,
      interval: p.interval,
      tz: p.tz,
      from: labels[0],
      to: labels[n],
      version: p.version,
      sample: counts.sources.has(SAMPLE_SOURCE),
      rolling: p.rolling,
      filters: filtersView(p),
      buckets,
      annotations: annotations.map((a) => annotationView(a, p.tz)),
    };
  }

  /** Several topics on the same buckets; `tz` defaults to the first topic's zone. */
  async compare(slugs: string, query: SeriesQueryInput, now = Date.now()): Promise<CompareResponse> {
    const names = splitList(slugs);
    if (names.length === 0 || names.length > MAX_COMPARE_TOPICS) {
      throw new FieldValidationError([
        {
          field: 'topics',
          message: `topics must name 1 to ${MAX_COMPARE_TOPICS} topic slugs, comma-separated`,
        },
      ]);
    }
    const topics: SeriesTopic[] = [];
    for (const slug of names) topics.push(await this.parser.topic(slug));
    const first = await this.parser.series(topics[0], query, now);
    const aligned: SeriesQueryInput = { ...query, tz: first.tz, version: undefined };
    const params = [first];
    for (const t of topics.slice(1)) params.push(await this.parser.series(t, aligned, now));
    const series: SeriesResponse[] = [];
    for (const p of params) series.push(await this.series(p, now));
    return { interval: first.interval, tz: first.tz, from: series[0].from, to: series[0].to, series };
  }

  /**
   * Coverage of each shown source per bucket. A configured source (one the topic collects) is judged by the
   * collection's 15-minute coverage records; an archive (a source the topic does not collect, such as the
   * bundled sample) is complete over the span its posts cover and absent outside it.
   */
  private coverage(
    p: SeriesParams,
    shown: string[],
    configured: TopicSourceRow[],
    records: CoverageCount[],
    spans: Map<string, { first: number; last: number }>,
    now: number,
  ): (i: number) => Record<string, CoverageStatus> {
    const adapterOf = new Map(configured.map((s) => [s.id, s.adapter]));
    const perAdapter = new Map<string, number>();
    for (const s of configured) perAdapter.set(s.adapter, (perAdapter.get(s.adapter) ?? 0) + 1);
    const tallies = new Map<string, Tally>();
    for (const r of records) {
      const key = `${adapterOf.get(r.topicSourceId) ?? ''}\u0000${r.bucket}`;
      const t = tallies.get(key) ?? { ok: 0, partial: 0, failed: 0 };
      t.ok += r.ok;
      t.partial += r.partial;
      t.failed += r.failed;
      tallies.set(key, t);
    }
    const lastEnded = Math.floor(now / BUCKET_MS) * BUCKET_MS;
    return (i) => {
      const start = p.boundaries[i];
      const end = p.boundaries[i + 1];
      const out: Record<string, CoverageStatus> = {};
      for (const source of shown) {
        const collectors = perAdapter.get(source);
        if (collectors !== undefined) {
          // Slots that have ended by now are expected to be covered, once by each of the topic's sources.
          const elapsed = Math.max(0, Math.floor((Math.min(end, lastEnded) - start) / BUCKET_MS));
          out[source] = coverageStatus(tallies.get(`${source}\u0000${i}`), elapsed * collectors);
        } else {
          const span = spans.get(source);
          out[source] = span && span.first < end && span.last + BUCKET_MS > start ? 'ok' : 'none';
        }
      }
      return out;
    };
  }
}

/** Coverage slots of one source in one bucket. A rate-limited slot counts as partial: some posts came, some may not have. */
interface Tally {
  ok: number;
  partial: number;
  failed: number;
}

/**
 * ok: every expected slot was collected in full. none: no slot has a record (never attempted, or not yet
 * due). failed: records exist but every one failed. partial: anything in between (partial or rate-limited
 * slots, a mix of collected and failed slots, or slots with no record).
 */
export function coverageStatus(t: Tally | undefined, expectedSlots: number): CoverageStatus {
  if (!t || t.ok + t.partial + t.failed === 0) return 'none';
  const expected = Math.max(expectedSlots, t.ok + t.partial + t.failed);
  if (t.ok === expected) return 'ok';
  if (t.ok === 0 && t.partial === 0) return 'failed';
  return 'partial';
}

function bucketView(
  start: string,
  end: string,
  c: Counts,
  coverage: Record<string, CoverageStatus>,
): SeriesBucket {
  const total = c.support + c.oppose + c.neutral;
  const share = shareOf(c);
  return {
    start,
    end,
    support: c.support,
    oppose: c.oppose,
    neutral: c.neutral,
    total,
    supportShare: share.share,
    supportShareLow: share.low,
    supportShareHigh: share.high,
    netSupport: total === 0 ? null : round((c.support - c.oppose) / total),
    meanSentiment: total === 0 ? null : round(c.sentimentSum / total),
    lowVolume: c.support + c.oppose < LOW_VOLUME_THRESHOLD,
    coverage,
  };
}

/** Support share with its Wilson 95% interval; nulls when no post took a side. */
export function shareOf(c: Pick<Counts, 'support' | 'oppose'>): {
  share: number | null;
  low: number | null;
  high: number | null;
} {
  const sided = c.support + c.oppose;
  const interval = wilsonInterval(c.support, sided);
  if (!interval) return { share: null, low: null, high: null };
  return { share: round(c.support / sided), low: round(interval.low), high: round(interval.high) };
}

export function sumCounts(list: readonly Counts[]): Counts {
  const out: Counts = { support: 0, oppose: 0, neutral: 0, sentimentSum: 0 };
  for (const c of list) {
    out.support += c.support;
    out.oppose += c.oppose;
    out.neutral += c.neutral;
    out.sentimentSum += c.sentimentSum;
  }
  return out;
}

export function annotationView(a: AnnotationRow, tz: string): AnnotationView {
  return { id: a.id, at: formatInstant(a.at.getTime(), tz), label: a.label, url: a.url };
}

function filtersView(p: SeriesParams): SeriesFilters {
  return {
    sources: p.filter.sources ? [...p.filter.sources] : null,
    reposts: p.filter.includeReposts ? 'include' : 'exclude',
    lang: p.filter.langs ? p.filter.langs.map((l) => (l === '' ? 'und' : l)) : null,
  };
}

/** Six decimals: finer than any count can justify, and it hides floating-point noise in sums. */
export function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
