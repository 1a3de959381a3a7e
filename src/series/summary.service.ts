import { Injectable } from '@nestjs/common';
import { errorFunction, median, medianAbsoluteDeviation } from 'simple-statistics';
import { FieldValidationError, type FieldError } from '../http/problem-details.js';
import {
  bucketBoundaries,
  formatInstant,
  formatInstants,
  MAX_BUCKETS,
  type SeriesInterval,
} from './series-buckets.js';
import { SeriesParamsParser, type SeriesQueryInput } from './series-params.js';
import { type Counts, SeriesRepository } from './series.repository.js';
import { LOW_VOLUME_THRESHOLD, round, SAMPLE_SOURCE, shareOf } from './series.service.js';
import type {
  PeriodTotals,
  ShareChange,
  SideTerms,
  SummaryBucket,
  SummaryResponse,
  VolumeSpike,
} from './summary.dto.js';
import { type SideTermRow, SummaryRepository } from './summary.repository.js';

export const SUMMARY_DEFAULT_SPAN = { days: 7 };
/** Iglewicz and Hoaglin's cut-off for the modified z-score. */
export const SPIKE_Z = 3.5;
/** Below this many buckets a median says too little to call anything a spike. */
const MIN_BUCKETS_FOR_SPIKES = 8;
const TOP_TERMS = 10;
const BUSIEST = 5;
const MAX_SPIKES = 20;

export type SummaryQueryInput = Omit<SeriesQueryInput, 'interval' | 'rolling'>;

/** One period at a glance: totals, change against the period before, what each side says, and when it peaked. */
@Injectable()
export class SummaryService {
  constructor(
    private readonly repo: SeriesRepository,
    private readonly words: SummaryRepository,
    private readonly parser: SeriesParamsParser,
  ) {}

  async summary(slug: string, q: SummaryQueryInput, now = Date.now()): Promise<SummaryResponse> {
    const topic = await this.parser.topic(slug);
    const errors: FieldError[] = [];
    const tz = this.parser.zone(q.tz, topic.timezone, errors);
    const version = await this.parser.version(q.version, topic, errors);
    const filter = await this.parser.filter(q, topic, version, errors);
    const range = this.parser.instants(q, tz, SUMMARY_DEFAULT_SPAN, now, errors);
    if (errors.length || !range) throw new FieldValidationError(errors);

    // The finest interval that keeps the range within the bucket limit; the range snaps to its buckets.
    let interval: SeriesInterval = 'hour';
    let boundaries: number[] | undefined;
    for (const candidate of ['hour', 'day', 'week'] as const) {
      const result = bucketBoundaries(range.from, range.to, candidate, tz);
      if (result.ok) {
        interval = candidate;
        boundaries = result.boundaries;
        break;
      }
    }
    if (!boundaries) {
      throw new FieldValidationError([
        { field: 'from', message: `from–to is longer than ${MAX_BUCKETS} weeks` },
      ]);
    }
    const from = boundaries[0];
    const to = boundaries[boundaries.length - 1];
    const previousFrom = from - (to - from);
    const scope = { topicId: topic.id, version, from, to, filter };

    const [periods, perBucket, hashtags, cues] = await Promise.all([
      this.repo.bucketCounts(topic.id, version, [previousFrom, from, to], filter),
      this.repo.bucketCounts(topic.id, version, boundaries, filter),
      this.words.topHashtags(scope, TOP_TERMS),
      this.words.topCueTerms(scope, TOP_TERMS),
    ]);
    const [before, current] = periods.buckets;
    const labels = formatInstants(boundaries, tz);
    const buckets = perBucket.buckets.map((c, i) => summaryBucket(labels[i], labels[i + 1], c));

    return {
      topic: topic.slug,
      tz,
      from: formatInstant(from, tz),
      to: formatInstant(to, tz),
      version,
      sample: perBucket.sources.has(SAMPLE_SOURCE),
      filters: {
        sources: filter.sources ? [...filter.sources] : null,
        reposts: filter.includeReposts ? 'include' : 'exclude',
        lang: filter.langs ? filter.langs.map((l) => (l === '' ? 'und' : l)) : null,
      },
      bucketInterval: interval,
      totals: periodTotals(from, to, current, tz),
      previous: periodTotals(previousFrom, from, before, tz),
      change: shareChange(current, before),
      topHashtags: bySide(hashtags),
      topCueTerms: bySide(cues),
      spikes: volumeSpikes(buckets),
      busiestBuckets: buckets
        .map((bucket, order) => ({ bucket, order }))
        .filter((x) => x.bucket.total > 0)
        .sort((a, b) => b.bucket.total - a.bucket.total || a.order - b.order)
        .slice(0, BUSIEST)
        .map((x) => x.bucket),
    };
  }
}

function periodTotals(from: number, to: number, c: Counts, tz: string): PeriodTotals {
  const total = c.support + c.oppose + c.neutral;
  const share = shareOf(c);
  return {
    from: formatInstant(from, tz),
    to: formatInstant(to, tz),
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
  };
}

/** The standard normal distribution function. */
export function normalCdf(z: number): number {
  return 0.5 * (1 + errorFunction(z / Math.SQRT2));
}

/**
 * Two-proportion z-test (pooled) of the support share now against the previous period: is the change more than
 * the noise of two samples of these sizes?
 */
export function twoProportionTest(
  s1: number,
  n1: number,
  s2: number,
  n2: number,
): { difference: number; z: number | null; pValue: number | null } | null {
  if (n1 === 0 || n2 === 0) return null;
  const difference = s1 / n1 - s2 / n2;
  const pooled = (s1 + s2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  // Both periods all-support (or all-oppose): no variance, and no change either.
  if (se === 0) return { difference, z: null, pValue: null };
  const z = difference / se;
  return { difference, z, pValue: Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))) };
}

function shareChange(current: Counts, before: Counts): ShareChange {
  const totalNow = current.support + current.oppose + current.neutral;
  const totalBefore = before.support + before.oppose + before.neutral;
  const volumeChange = totalBefore === 0 ? null : round((totalNow - totalBefore) / totalBefore);
  const test = twoProportionTest(
    current.support,
    current.support + current.oppose,
    before.support,
    before.support + before.oppose,
  );
  if (!test) return { difference: null, z: null, pValue: null, significant: null, volumeChange };
  return {
    difference: round(test.difference),
    z: test.z === null ? null : round(test.z),
    pValue: test.pValue === null ? null : round(test.pValue),
    significant: test.pValue === null ? false : test.pValue < 0.05,
    volumeChange,
  };
}

function summaryBucket(start: string, end: string, c: Counts): SummaryBucket {
  return {
    start,
    end,
    total: c.support + c.oppose + c.neutral,
    support: c.support,
    oppose: c.oppose,
    supportShare: shareOf(c).share,
  };
}

/**
 * Buckets whose volume is far above the typical bucket, by the modified z-score 0.6745 (x − median) / MAD
 * (Iglewicz and Hoaglin). Median and MAD ignore the spikes themselves, unlike a mean and standard deviation.
 * When over half the buckets have the same volume (MAD 0), the mean absolute deviation stands in for it.
 */
export function volumeSpikes(buckets: SummaryBucket[]): VolumeSpike[] {
  if (buckets.length < MIN_BUCKETS_FOR_SPIKES) return [];
  const volumes = buckets.map((b) => b.total);
  const m = median(volumes);
  const mad = medianAbsoluteDeviation(volumes);
  let scale: number;
  if (mad > 0) scale = mad / 0.6745;
  else {
    const meanAbs = volumes.reduce((sum, v) => sum + Math.abs(v - m), 0) / volumes.length;
    if (meanAbs === 0) return [];
    scale = meanAbs * 1.253314;
  }
  return buckets
    .map((b, order) => ({ spike: { ...b, zScore: round((b.total - m) / scale) }, order }))
    .filter((x) => x.spike.zScore > SPIKE_Z)
    .sort((a, b) => b.spike.zScore - a.spike.zScore || a.order - b.order)
    .slice(0, MAX_SPIKES)
    .sort((a, b) => a.order - b.order)
    .map((x) => x.spike);
}

function bySide(rows: SideTermRow[]): SideTerms {
  const out: SideTerms = { support: [], oppose: [] };
  for (const r of rows) out[r.side].push({ term: r.term, posts: r.posts });
  return out;
}
