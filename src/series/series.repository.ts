import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectReadDataSource } from '../database/read-data-source.js';
import { DataSource } from 'typeorm';
import { BUCKET_MS } from './rollup.repository.js';

/** Which rollup rows a series counts. `null` lists mean "all". */
export interface RollupFilter {
  sources: readonly string[] | null;
  includeReposts: boolean;
  /** Primary language subtags, lower case; `''` stands for posts without a language. */
  langs: readonly string[] | null;
}

export interface Counts {
  support: number;
  oppose: number;
  neutral: number;
  sentimentSum: number;
}

export interface BucketCounts {
  /** Counts per bucket, index i for [boundaries[i], boundaries[i + 1]). */
  buckets: Counts[];
  /** Every source with at least one post in the range (after the filter). */
  sources: Set<string>;
}

/** A topic source's 15-minute coverage records in one series bucket, by status (rate-limited counts as partial). */
export interface CoverageCount {
  topicSourceId: number;
  bucket: number;
  ok: number;
  partial: number;
  failed: number;
}

export interface TopicSourceRow {
  id: number;
  adapter: string;
}

/** The topic as the series needs it. */
export interface SeriesTopic {
  id: number;
  slug: string;
  name: string;
  timezone: string;
  /** The lexicon version series read by default. */
  stanceVersion: number;
  /** The sources the topic collects (archives imported for it are not among them). */
  sources: TopicSourceRow[];
}

export interface AnnotationRow {
  id: number;
  at: Date;
  label: string;
  url: string | null;
}

export function emptyCounts(): Counts {
  return { support: 0, oppose: 0, neutral: 0, sentimentSum: 0 };
}

/**
 * The series' queries. Counts come only from the 15-minute rollups: every series bucket is a union of whole
 * rollup buckets, so any interval in any zone is one indexed range scan, whatever the number of posts.
 */
@Injectable()
export class SeriesRepository {
  constructor(@InjectReadDataSource() private readonly db: DataSource) {}

  /** The topic with its configured sources, in one query; a 404 naming the slug when there is none. */
  async topic(slug: string): Promise<SeriesTopic> {
    const rows: {
      id: string;
      slug: string;
      name: string;
      timezone: string;
      stance_version: number;
      sources: { id: number; adapter: string }[];
    }[] = await this.db.query(
      `SELECT t.id, t.slug, t.name, t.timezone, t.stance_version,
              COALESCE((SELECT json_agg(json_build_object('id', s.id, 'adapter', s.adapter) ORDER BY s.id)
                          FROM topic_source s WHERE s.topic_id = t.id), '[]'::json) AS sources
         FROM topic t WHERE t.slug = $1`,
      [slug],
    );
    const t = rows[0];
    if (!t) throw new NotFoundException(`No topic with slug "${slug}".`);
    return {
      id: Number(t.id),
      slug: t.slug,
      name: t.name,
      timezone: t.timezone,
      stanceVersion: t.stance_version,
      sources: t.sources.map((s) => ({ id: Number(s.id), adapter: s.adapter })),
    };
  }

  async versionExists(topicId: number, version: number): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM topic_stance_version WHERE topic_id = $1 AND version = $2`,
      [topicId, version],
    );
    return rows.length > 0;
  }

  /** The distinct sources of a topic version's rollups: a skip scan over the source index. */
  async sourcesWithData(topicId: number, version: number): Promise<string[]> {
    const rows: { source: string }[] = await this.db.query(
      `WITH RECURSIVE s(source) AS (
         (SELECT source FROM rollup WHERE topic_id = $1 AND lexicon_version = $2 ORDER BY source LIMIT 1)
         UNION ALL
         SELECT (SELECT r.source FROM rollup r
                  WHERE r.topic_id = $1 AND r.lexicon_version = $2 AND r.source > s.source
                  ORDER BY r.source LIMIT 1)
           FROM s WHERE s.source IS NOT NULL)
       SELECT source FROM s WHERE source IS NOT NULL`,
      [topicId, version],
    );
    return rows.map((r) => r.source);
  }

  /** Support, oppose, neutral and sentiment per bucket between consecutive boundaries. */
  async bucketCounts(
    topicId: number,
    version: number,
    boundaries: readonly number[],
    filter: RollupFilter,
  ): Promise<BucketCounts> {
    const n = boundaries.length - 1;
    const buckets = Array.from({ length: n }, emptyCounts);
    if (n <= 0) return { buckets, sources: new Set() };
    const hourly = readsHourly(boundaries, filter);
    const step = hourly ? HOUR_MS : BUCKET_MS;
    // When series buckets are the stored buckets, grouping by the stored bucket (and finding each one's index
    // here) is half the work of a binary search per row in SQL.
    const sameBuckets = boundaries.every((b, i) => i === 0 || b - boundaries[i - 1] === step);
    const [rows, sources] = await Promise.all([
      this.countRows(topicId, version, boundaries, filter, hourly ? 'rollup_hourly' : 'rollup', sameBuckets),
      this.sourcesInRange(topicId, version, boundaries[0], boundaries[n], filter),
    ]);
    for (const r of rows) {
      const i = sameBuckets ? Math.round((r.i - boundaries[0]) / step) : r.i - 1;
      const b = buckets[i];
      b.support = r.support;
      b.oppose = r.oppose;
      b.neutral = r.neutral;
      b.sentimentSum = r.sentiment;
    }
    return { buckets, sources };
  }

  private countRows(
    topicId: number,
    version: number,
    boundaries: readonly number[],
    filter: RollupFilter,
    table: 'rollup' | 'rollup_hourly',
    sameBuckets: boolean,
  ): Promise<{ i: number; support: number; oppose: number; neutral: number; sentiment: number }[]> {
    const n = boundaries.length - 1;
    const params: unknown[] = [
      topicId,
      version,
      new Date(boundaries[0]).toISOString(),
      new Date(boundaries[n]).toISOString(),
    ];
    // i: the stored bucket in epoch ms (computed once per group, cheaper to read than a timestamp), or the
    // series bucket's 1-based index.
    let index = '(extract(epoch FROM r.bucket) * 1000)::float8';
    let group = 'r.bucket';
    if (!sameBuckets) {
      params.push(boundaries.map((b) => new Date(b).toISOString()));
      index = `width_bucket(r.bucket, $${params.length}::timestamptz[])`;
      group = '1';
    }
    const where = filterSql(filter, params, 'r');
    return this.db.query(
      `SELECT ${index} AS i, sum(r.support)::int AS support, sum(r.oppose)::int AS oppose, sum(r.neutral)::int AS neutral,
              sum(r.sentiment_sum)::float8 AS sentiment
         FROM ${table} r
        WHERE r.topic_id = $1 AND r.lexicon_version = $2 AND r.bucket >= $3 AND r.bucket < $4${where}
        GROUP BY ${group}`,
      params,
    );
  }

  /** Sources with at least one post in the range (after the filter): a skip scan, then one probe per source. */
  private async sourcesInRange(
    topicId: number,
    version: number,
    from: number,
    to: number,
    filter: RollupFilter,
  ): Promise<Set<string>> {
    const params: unknown[] = [topicId, version, new Date(from).toISOString(), new Date(to).toISOString()];
    const where = filterSql(filter, params, 'r');
    const rows: { source: string }[] = await this.db.query(
      `WITH RECURSIVE s(source) AS (
         (SELECT source FROM rollup WHERE topic_id = $1 AND lexicon_version = $2 ORDER BY source LIMIT 1)
         UNION ALL
         SELECT (SELECT r.source FROM rollup r
                  WHERE r.topic_id = $1 AND r.lexicon_version = $2 AND r.source > s.source
                  ORDER BY r.source LIMIT 1)
           FROM s WHERE s.source IS NOT NULL)
       SELECT s.source FROM s
        WHERE s.source IS NOT NULL
          AND EXISTS (SELECT 1 FROM rollup r
                       WHERE r.topic_id = $1 AND r.lexicon_version = $2 AND r.source = s.source
                         AND r.bucket >= $3 AND r.bucket < $4 AND r.support + r.oppose + r.neutral > 0${where})`,
      params,
    );
    return new Set(rows.map((r) => r.source));
  }

  /**
   * Collection coverage records per (topic source, series bucket), counted by status: from the hourly counts
   * when every boundary is a whole UTC hour, from the 15-minute records otherwise.
   */
  async coverageCounts(
    topicId: number,
    boundaries: readonly number[],
    sources: readonly string[] | null,
  ): Promise<CoverageCount[]> {
    const n = boundaries.length - 1;
    if (n <= 0) return [];
    const hourly = boundaries.every((b) => b % HOUR_MS === 0);
    const step = hourly ? HOUR_MS : BUCKET_MS;
    // As for counts: when series buckets are the stored buckets, group by the stored bucket.
    const sameBuckets = boundaries.every((b, i) => i === 0 || b - boundaries[i - 1] === step);
    const params: unknown[] = [
      topicId,
      sources,
      new Date(boundaries[0]).toISOString(),
      new Date(boundaries[n]).toISOString(),
    ];
    let index = '(extract(epoch FROM c.bucket) * 1000)::float8';
    let group = 'c.topic_source_id, c.bucket';
    if (!sameBuckets) {
      params.push(boundaries.map((b) => new Date(b).toISOString()));
      index = `width_bucket(c.bucket, $5::timestamptz[])`;
      group = '1, 2';
    }
    const scope = `FROM topic_source ts
         JOIN ${hourly ? 'source_coverage_hourly' : 'source_coverage'} c
           ON c.topic_source_id = ts.id AND c.bucket >= $3 AND c.bucket < $4
        WHERE ts.topic_id = $1 AND ($2::text[] IS NULL OR ts.adapter = ANY($2::text[]))
        GROUP BY ${group}`;
    const found: { id: string; i: number; ok: number; partial: number; failed: number }[] = hourly
      ? await this.db.query(
          `SELECT c.topic_source_id AS id, ${index} AS i,
                  sum(c.ok)::int AS ok, sum(c.partial)::int AS partial, sum(c.failed)::int AS failed
             ${scope}`,
          params,
        )
      : await this.db.query(
          `SELECT c.topic_source_id AS id, ${index} AS i,
                  count(*) FILTER (WHERE c.status = 'ok')::int AS ok,
                  count(*) FILTER (WHERE c.status IN ('partial', 'rate_limited'))::int AS partial,
                  count(*) FILTER (WHERE c.status = 'failed')::int AS failed
             ${scope}`,
          params,
        );
    const rows = found.map((r) => ({
      ...r,
      i: sameBuckets ? Math.floor((r.i - boundaries[0]) / step) + 1 : r.i,
    }));
    return rows.map((r) => ({
      topicSourceId: Number(r.id),
      bucket: r.i - 1,
      ok: r.ok,
      partial: r.partial,
      failed: r.failed,
    }));
  }

  /** The first and last rollup bucket of each source (the span an archive covers). */
  async sourceSpans(
    topicId: number,
    version: number,
    sources: readonly string[],
  ): Promise<Map<string, { first: number; last: number }>> {
    const spans = new Map<string, { first: number; last: number }>();
    if (sources.length === 0) return spans;
    const rows: { source: string; first: Date | null; last: Date | null }[] = await this.db.query(
      `SELECT s.source,
              (SELECT min(bucket) FROM rollup r WHERE r.topic_id = $1 AND r.lexicon_version = $2 AND r.source = s.source) AS first,
              (SELECT max(bucket) FROM rollup r WHERE r.topic_id = $1 AND r.lexicon_version = $2 AND r.source = s.source) AS last
         FROM unnest($3::text[]) AS s(source)`,
      [topicId, version, sources],
    );
    for (const r of rows) {
      if (r.first && r.last) spans.set(r.source, { first: r.first.getTime(), last: r.last.getTime() });
    }
    return spans;
  }

  async annotations(topicId: number, from?: number, to?: number): Promise<AnnotationRow[]> {
    const rows: { id: string; at: Date; label: string; url: string | null }[] = await this.db.query(
      `SELECT id, at, label, url FROM annotation
        WHERE topic_id = $1 AND ($2::timestamptz IS NULL OR at >= $2) AND ($3::timestamptz IS NULL OR at < $3)
        ORDER BY at, id`,
      [
        topicId,
        from === undefined ? null : new Date(from).toISOString(),
        to === undefined ? null : new Date(to).toISOString(),
      ],
    );
    return rows.map((r) => ({ id: Number(r.id), at: r.at, label: r.label, url: r.url }));
  }
}

const HOUR_MS = 3_600_000;

/**
 * The hourly rollups answer when every boundary is a whole UTC hour (hours, days and weeks in whole-hour
 * zones) and no language filter needs the dimension they leave out.
 */
export function readsHourly(boundaries: readonly number[], filter: RollupFilter): boolean {
  return filter.langs === null && boundaries.every((b) => b % HOUR_MS === 0);
}

/**
 * The filter as SQL conditions on rollup-shaped rows (rollup or classification: both carry source, lang and
 * is_repost), appending its parameters. Only placeholders reach the SQL text.
 */
export function filterSql(filter: RollupFilter, params: unknown[], alias: string): string {
  let sql = '';
  if (filter.sources) {
    params.push(filter.sources);
    sql += ` AND ${alias}.source = ANY($${params.length}::text[])`;
  }
  if (!filter.includeReposts) sql += ` AND NOT ${alias}.is_repost`;
  if (filter.langs) {
    params.push(filter.langs);
    sql += ` AND lower(split_part(COALESCE(${alias}.lang, ''), '-', 1)) = ANY($${params.length}::text[])`;
  }
  return sql;
}
