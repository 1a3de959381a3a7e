import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { FieldValidationError, type FieldError } from '../http/problem-details.js';
import { AdapterRegistry } from '../sources/adapter-registry.js';
import {
  bucketBoundaries,
  canonicalZone,
  DEFAULT_SPAN,
  INTERVALS,
  isInterval,
  MAX_BUCKETS,
  parseInstant,
  type SeriesInterval,
} from './series-buckets.js';
import { BUCKET_MS } from './rollup.repository.js';
import { SeriesRepository, type RollupFilter, type SeriesTopic } from './series.repository.js';

export type { SeriesTopic };

/** Archive sources that may be named before any of their posts exist (the bundled sample). */
export const ARCHIVE_SOURCES = ['sample'] as const;

export const MAX_ROLLING = 100;
/** 3000-01-01T00:00:00Z: no series reaches this far. */
const LATEST_INSTANT = 32_503_680_000_000;

/** A validated series request: what SeriesService.series() answers. */
export interface SeriesParams {
  topic: SeriesTopic;
  interval: SeriesInterval;
  /** IANA zone of the bucket boundaries and of every time in the answer. */
  tz: string;
  /** Bucket boundaries (epoch ms): n buckets, n + 1 boundaries; from = first, to = last. */
  boundaries: number[];
  /** Lexicon (stance configuration) version the counts come from. */
  version: number;
  filter: RollupFilter;
  /** Buckets in the rolling share window, or null for none. */
  rolling: number | null;
}

/** The raw query of a series-like route: every value a string as it came in the URL. */
export interface SeriesQueryInput {
  interval?: string;
  from?: string;
  to?: string;
  tz?: string;
  sources?: string;
  reposts?: string;
  lang?: string;
  version?: string;
  rolling?: string;
}

const SOURCE_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const LANGUAGE_TAG = /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/;

/**
 * Turns query strings into validated parameters. Every problem is collected and reported at once, each
 * naming its parameter; nothing a client sends can make the series fail later.
 */
@Injectable()
export class SeriesParamsParser {
  constructor(
    private readonly repo: SeriesRepository,
    private readonly adapters: AdapterRegistry,
  ) {}

  /** The topic by slug (404 when unknown). */
  topic(slug: string): Promise<SeriesTopic> {
    return this.repo.topic(slug);
  }

  async series(topic: SeriesTopic, q: SeriesQueryInput, now = Date.now()): Promise<SeriesParams> {
    const errors: FieldError[] = [];
    const tz = this.zone(q.tz, topic.timezone, errors);
    const interval = this.interval(q.interval, errors);
    const rolling = this.rolling(q.rolling, errors);
    const version = await this.version(q.version, topic, errors);
    const filter = await this.filter(q, topic, version, errors);
    const boundaries = this.boundaries(q, interval, tz, now, errors);
    if (errors.length || !boundaries) throw new FieldValidationError(errors);
    return { topic, interval, tz, boundaries, version, filter, rolling };
  }

  zone(value: string | undefined, fallback: string, errors: FieldError[]): string {
    if (value === undefined || value === '') return canonicalZone(fallback) ?? 'UTC';
    const zone = canonicalZone(value);
    if (zone) return zone;
    errors.push({
      field: 'tz',
      message: `unknown time zone "${clip(value)}"; use an IANA name such as Europe/London`,
    });
    return 'UTC';
  }

  interval(
    value: string | undefined,
    errors: FieldError[],
    fallback: SeriesInterval = 'hour',
  ): SeriesInterval {
    if (value === undefined || value === '') return fallback;
    if (isInterval(value)) return value;
    errors.push({ field: 'interval', message: `interval must be one of ${INTERVALS.join(', ')}` });
    return fallback;
  }

  rolling(value: string | undefined, errors: FieldError[]): number | null {
    if (value === undefined || value === '') return null;
    const n = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
    if (Number.isInteger(n) && n >= 1 && n <= MAX_ROLLING) return n;
    errors.push({
      field: 'rolling',
      message: `rolling must be a whole number of buckets from 1 to ${MAX_ROLLING}`,
    });
    return null;
  }

  /** The lexicon version: the topic's current one by default; one the topic never had is an error. */
  async version(value: string | undefined, topic: SeriesTopic, errors: FieldError[]): Promise<number> {
    if (value === undefined || value === '') return topic.stanceVersion;
    const n = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
    if (Number.isInteger(n) && n >= 1 && (await this.repo.versionExists(topic.id, n))) return n;
    errors.push({
      field: 'version',
      message: `topic "${topic.slug}" has no lexicon version "${clip(value)}" (current: ${topic.stanceVersion})`,
    });
    return topic.stanceVersion;
  }

  async filter(
    q: Pick<SeriesQueryInput, 'sources' | 'reposts' | 'lang'>,
    topic: SeriesTopic,
    version: number,
    errors: FieldError[],
  ): Promise<RollupFilter> {
    let includeReposts = true;
    if (q.reposts !== undefined && q.reposts !== '') {
      if (q.reposts === 'include' || q.reposts === 'exclude') includeReposts = q.reposts === 'include';
      else errors.push({ field: 'reposts', message: 'reposts must be include or exclude' });
    }
    return {
      sources: await this.sources(q.sources, topic, version, errors),
      includeReposts,
      langs: this.langs(q.lang, errors),
    };
  }

  /**
   * Known sources: installed adapters, the topic's configured sources, the bundled sample, and any source the
   * topic has posts from (archives imported under their own name).
   */
  private async sources(
    value: string | undefined,
    topic: SeriesTopic,
    version: number,
    errors: FieldError[],
  ): Promise<string[] | null> {
    const names = splitList(value);
    if (names.length === 0) return null;
    const malformed = names.filter((s) => !SOURCE_NAME.test(s));
    if (malformed.length) {
      errors.push({ field: 'sources', message: `not a source name: ${malformed.map(clip).join(', ')}` });
      return null;
    }
    const known = new Set<string>([...this.adapters.list().map((a) => a.name), ...ARCHIVE_SOURCES]);
    for (const s of topic.sources) known.add(s.adapter);
    if (names.some((s) => !known.has(s))) {
      for (const s of await this.repo.sourcesWithData(topic.id, version)) known.add(s);
    }
    const unknown = names.filter((s) => !known.has(s));
    if (unknown.length) {
      errors.push({
        field: 'sources',
        message: `unknown source${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}; known: ${[...known].sort().join(', ')}`,
      });
      return null;
    }
    return names;
  }

  private langs(value: string | undefined, errors: FieldError[]): string[] | null {
    const tags = splitList(value);
    if (tags.length === 0) return null;
    const bad = tags.filter((t) => !LANGUAGE_TAG.test(t));
    if (bad.length) {
      errors.push({
        field: 'lang',
        message: `not a language tag: ${bad.map(clip).join(', ')}; use codes such as en,fr (und: no language)`,
      });
      return null;
    }
    // A post tagged en-GB counts as en; `und` (undetermined) selects posts without a language.
    return [...new Set(tags.map((t) => t.split('-')[0]).map((t) => (t === 'und' ? '' : t)))];
  }

  /** Instants from `from` and `to` (either may be missing); undefined after recording an error. */
  instants(
    q: Pick<SeriesQueryInput, 'from' | 'to'>,
    tz: string,
    defaultSpan: { days: number },
    now: number,
    errors: FieldError[],
  ): { from: number; to: number } | undefined {
    const to = this.instant(q.to, 'to', tz, errors) ?? now;
    const from =
      this.instant(q.from, 'from', tz, errors) ??
      DateTime.fromMillis(to, { zone: tz }).minus(defaultSpan).toMillis();
    if (errors.some((e) => e.field === 'from' || e.field === 'to')) return undefined;
    if (from >= to) {
      errors.push({ field: 'from', message: 'from must be before to' });
      return undefined;
    }
    return { from, to };
  }

  private instant(
    value: string | undefined,
    field: string,
    tz: string,
    errors: FieldError[],
  ): number | undefined {
    if (value === undefined || value === '') return undefined;
    const ms = parseInstant(value, tz);
    // Years outside 1970–2999 are typos; bucket ends past year 9999 would not even be valid ISO-8601.
    if (ms === undefined || ms < 0 || ms >= LATEST_INSTANT) {
      errors.push({
        field,
        message: `${field} must be an ISO-8601 date or date-time such as 2016-04-26 or 2016-04-26T08:00:00Z`,
      });
      return undefined;
    }
    return ms;
  }

  private boundaries(
    q: SeriesQueryInput,
    interval: SeriesInterval,
    tz: string,
    now: number,
    errors: FieldError[],
  ): number[] | undefined {
    const range = this.instants(q, tz, DEFAULT_SPAN[interval], now, errors);
    if (!range) return undefined;
    const result = bucketBoundaries(range.from, range.to, interval, tz);
    if (!result.ok) {
      errors.push({
        field: 'from',
        message: `from–to at interval ${interval} makes about ${result.buckets} buckets; at most ${MAX_BUCKETS}: narrow the range or use a coarser interval`,
      });
      return undefined;
    }
    return result.boundaries;
  }
}

/** A range aligned outward to the 15-minute rollup grid (for routes that count without series buckets). */
export function alignToGrid(range: { from: number; to: number }): { from: number; to: number } {
  return {
    from: Math.floor(range.from / BUCKET_MS) * BUCKET_MS,
    to: Math.ceil(range.to / BUCKET_MS) * BUCKET_MS,
  };
}

export function splitList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return [
    ...new Set(
      value
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter((s) => s.length > 0),
    ),
  ];
}

/** Echoes of client input in messages stay short. */
function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
