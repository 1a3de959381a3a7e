import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module.js';
import { configureApp } from '../src/http/configure-app.js';
import { rebuildRollups } from '../src/series/rollup.repository.js';
import { SeriesService } from '../src/series/series.service.js';

/**
 * `npm run bench series`: a topic with 10 million classified posts over 30 days on PostgreSQL (DATABASE_URL, or
 * the local server), in a database created for the run and dropped after it. Reports p50 / p95 latency of hourly
 * and daily series over 30 days, through SeriesService and through HTTP, beside a plain GROUP BY over the raw
 * classification rows in the same run. Target: p95 under 25 ms.
 *
 * POSTS (default 10,000,000) and ITERATIONS (default 200) may be set in the environment to try other sizes;
 * KEEP_DATABASE=1 keeps the database for a closer look (its name is printed; drop it yourself).
 */
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const POSTS = Number(process.env.POSTS ?? 10_000_000);
const ITERATIONS = Number(process.env.ITERATIONS ?? 200);
const KEEP_DATABASE = process.env.KEEP_DATABASE === '1';
const BASELINE_ITERATIONS = 5;
const DAYS = 30;
const START = Date.parse('2016-04-01T00:00:00Z');
const TZ = 'Europe/London';
const SLUG = 'bench-series';

async function main(): Promise<void> {
  const dbName = `gs_bench_series_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${dbName}`);
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  let app: NestExpressApplication | undefined;
  try {
    Object.assign(process.env, {
      DATABASE_URL: url.toString(),
      LOAD_PRESETS: 'false',
      ENABLE_SCHEDULER: 'false',
      LOG_LEVEL: 'warn',
      THROTTLE_LIMIT: '0',
      ADMIN_API_KEY: 'bench-admin-key-0123456789',
    });
    app = await NestFactory.create<NestExpressApplication>(AppModule, {
      logger: ['error'],
      bodyParser: false,
    });
    await configureApp(app);
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    const base = `http://127.0.0.1:${address.port}/api/v1`;
    const db = app.get<DataSource>(getDataSourceToken());

    const built = performance.now();
    const topicId = await buildData(db, url.toString());
    const buildSeconds = (performance.now() - built) / 1000;
    const [{ rollups }] = await db.query<{ rollups: number }[]>(
      `SELECT count(*)::int AS rollups FROM rollup WHERE topic_id = $1`,
      [topicId],
    );
    const [{ size }] = await db.query<{ size: string }[]>(
      `SELECT pg_size_pretty(pg_database_size(current_database())) AS size`,
    );
    log(
      `built ${fmt(POSTS)} posts, ${fmt(rollups)} rollup rows in ${buildSeconds.toFixed(0)} s (database ${size})`,
    );

    const series = app.get(SeriesService);
    const end = START + DAYS * 86_400_000;
    // Each request asks for a 30-day window ending at a different hour of the last day, as pollers would.
    const window = (i: number) => {
      const to = end - (i % 24) * 3_600_000;
      return { from: new Date(to - DAYS * 86_400_000).toISOString(), to: new Date(to).toISOString() };
    };

    // Sanity: the rollup answer equals the raw count.
    const check = await series.seriesFor(SLUG, { interval: 'day', ...window(0) });
    const raw = await rawGroupBy(db, topicId, 'day', window(0));
    const fromSeries = check.buckets.reduce((s, b) => s + b.total, 0);
    const fromRaw = raw.reduce((s, r) => s + r.total, 0);
    if (fromSeries !== fromRaw) throw new Error(`series total ${fromSeries} != raw total ${fromRaw}`);
    log(`check: ${fmt(fromSeries)} posts in the 30-day window, equal from rollups and from raw rows`);

    const rows: string[][] = [];
    const loadBefore = loadavg()[0];
    for (const interval of ['hour', 'day'] as const) {
      for (let i = 0; i < 20; i++) await series.seriesFor(SLUG, { interval, ...window(i) });
      const service = await measure(ITERATIONS, (i) => series.seriesFor(SLUG, { interval, ...window(i) }));
      const http = await measure(ITERATIONS, async (i) => {
        const w = window(i);
        const res = await fetch(
          `${base}/topics/${SLUG}/series?interval=${interval}&from=${w.from}&to=${w.to}`,
        );
        if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
        await res.arrayBuffer();
      });
      const baseline = await measure(BASELINE_ITERATIONS, (i) =>
        rawGroupBy(db, topicId, interval, window(i)),
      );
      rows.push([
        `${interval === 'hour' ? 'hourly' : 'daily'}, 30 days`,
        'SeriesService (rollups)',
        ...stats(service),
      ]);
      rows.push(['', 'HTTP GET /series (rollups)', ...stats(http)]);
      rows.push(['', `plain GROUP BY on raw rows (${BASELINE_ITERATIONS} runs)`, ...stats(baseline)]);
    }
    table(['series', 'path', 'p50 ms', 'p95 ms', 'runs'], rows);
    // Latency on a shared machine depends on what else runs: say how busy it was.
    log(
      `load average ${loadBefore.toFixed(1)} before and ${loadavg()[0].toFixed(1)} after the measurements, on ${cpus().length} cores`,
    );
  } finally {
    if (app) await app.close();
    if (KEEP_DATABASE) log(`kept database ${dbName}`);
    else await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
}

/**
 * Posts, classifications and rollups made by set-based SQL (not through ingestion), with the secondary indexes
 * and foreign-key triggers off during the load and rebuilt after it, as any bulk load would.
 */
async function buildData(db: DataSource, url: string): Promise<number> {
  const [{ id: topicId }] = await db.query<{ id: number }[]>(
    `INSERT INTO topic (slug, name, query, timezone) VALUES ($1, 'Bench', '{"hashtags":["bench"],"keywords":[],"exclude":[],"languages":[]}', $2)
     RETURNING id::int AS id`,
    [SLUG, TZ],
  );
  await db.query(`INSERT INTO topic_stance_version (topic_id, version, stance) VALUES ($1, 1, '{}')`, [
    topicId,
  ]);
  await db.query(`INSERT INTO topic_source (topic_id, adapter) VALUES ($1, 'mastodon'), ($1, 'bluesky')`, [
    topicId,
  ]);

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const step = async (label: string, sql: string, params: unknown[] = []) => {
      const t0 = performance.now();
      await client.query(sql, params);
      log(`  ${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    };
    await client.query(`SET synchronous_commit = off`);
    await client.query(`SET maintenance_work_mem = '1GB'`);
    await client.query(`SET session_replication_role = replica`);
    await client.query(`SELECT setseed(0.42)`);
    await client.query(
      `DROP INDEX post_created_ix, classification_topic_time_ix, classification_post_ix;
       ALTER TABLE post DROP CONSTRAINT post_source_external_uq;
       ALTER TABLE classification DROP CONSTRAINT classification_pk`,
    );
    await step(
      'posts',
      `INSERT INTO post (source, external_id, text, lang, created_at, is_repost, content_hash)
       SELECT (ARRAY['mastodon', 'bluesky', 'x', 'reddit', 'rss'])[1 + floor(random() * 5)::int],
              g::text, '', (ARRAY['en', 'en', 'en', 'fr', 'de', NULL])[1 + floor(random() * 6)::int],
              $1::timestamptz + random() * $2::interval, random() < 0.15, ''
         FROM generate_series(1, $3::int) AS g`,
      [new Date(START).toISOString(), `${DAYS} days`, POSTS],
    );
    await step(
      'classifications',
      `INSERT INTO classification (topic_id, lexicon_version, post_id, classifier_version, stance, confidence, sentiment,
                                   sentiment_label, post_created_at, source, lang, is_repost)
       SELECT $1, 1, p.id, 'bench', s.stance, 0.5 + random() / 2, s.sentiment,
              CASE WHEN s.sentiment > 0.05 THEN 'positive' WHEN s.sentiment < -0.05 THEN 'negative' ELSE 'neutral' END,
              p.created_at, p.source, p.lang, p.is_repost
         FROM post p
         CROSS JOIN LATERAL (SELECT CASE WHEN r < 0.35 THEN 'support' WHEN r < 0.55 THEN 'oppose' ELSE 'neutral' END AS stance,
                                    (random() * 2 - 1)::real AS sentiment
                               FROM (SELECT random() + p.id * 0 AS r) x) s`,
      [topicId],
    );
    await client.query(`SET session_replication_role = origin`);
    await step(
      'indexes',
      `ALTER TABLE post ADD CONSTRAINT post_source_external_uq UNIQUE (source, external_id);
       CREATE INDEX post_created_ix ON post (created_at);
       ALTER TABLE classification ADD CONSTRAINT classification_pk PRIMARY KEY (topic_id, lexicon_version, post_id);
       CREATE INDEX classification_topic_time_ix ON classification (topic_id, lexicon_version, post_created_at);
       CREATE INDEX classification_post_ix ON classification (post_id)`,
    );
  } finally {
    await client.end();
  }
  let t0 = performance.now();
  await db.transaction((m) => rebuildRollups(m, topicId, 1));
  log(`  rollups: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // Two collected sources with coverage rows for every 15-minute slot, so the coverage path is measured too.
  await db.query(
    `INSERT INTO source_coverage (topic_source_id, bucket, status)
     SELECT ts.id, b, CASE WHEN random() < 0.02 THEN 'failed' ELSE 'ok' END
       FROM topic_source ts, generate_series($2::timestamptz, $3::timestamptz - interval '15 minutes', interval '15 minutes') AS b
      WHERE ts.topic_id = $1`,
    [topicId, new Date(START).toISOString(), new Date(START + DAYS * 86_400_000).toISOString()],
  );
  t0 = performance.now();
  await db.query(`VACUUM ANALYZE post`);
  await db.query(`VACUUM ANALYZE classification`);
  await db.query(`VACUUM ANALYZE rollup`);
  await db.query(`VACUUM ANALYZE source_coverage`);
  log(`  vacuum analyze: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return topicId;
}

/** What a series would cost without rollups: a GROUP BY over the classification rows in the zone. */
async function rawGroupBy(
  db: DataSource,
  topicId: number,
  interval: 'hour' | 'day',
  range: { from: string; to: string },
): Promise<{ total: number }[]> {
  return db.query(
    `SELECT date_trunc($2, post_created_at, $3) AS bucket,
            count(*) FILTER (WHERE stance = 'support')::int AS support,
            count(*) FILTER (WHERE stance = 'oppose')::int AS oppose,
            count(*)::int AS total, avg(sentiment) AS sentiment
       FROM classification
      WHERE topic_id = $1 AND lexicon_version = 1
        AND post_created_at >= date_trunc($2, $4::timestamptz, $3) AND post_created_at < $5
      GROUP BY 1 ORDER BY 1`,
    [topicId, interval, TZ, range.from, range.to],
  );
}

async function measure(n: number, run: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await run(i);
    times.push(performance.now() - t0);
  }
  return times;
}

function stats(times: number[]): string[] {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return [at(0.5).toFixed(1), at(0.95).toFixed(1), String(times.length)];
}

function table(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  log(line(head));
  log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) log(line(r));
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function fmt(n: number): string {
  return n.toLocaleString('en-GB');
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `series bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
