/**
 * End-to-end ingestion throughput on real PostgreSQL: pages of normalised posts → classify → upsert →
 * rollups → cursor and run counters, each page one transaction, through the application's IngestionService.
 * Baseline, measured in the same run on the same server: a bare COPY of the same rows into a table indexed
 * like `post`. Runs in a fresh database it creates and drops (DATABASE_URL, or postgres://postgres@127.0.0.1).
 *
 *   npm run bench ingestion      (BENCH_POSTS and BENCH_PAGE_SIZE change the size)
 */
import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module.js';
import { IngestionService } from '../src/collection/ingestion.service.js';
import { RunsService } from '../src/collection/runs.service.js';
import type { NormalisedPost } from '../src/sources/normalised-post.js';
import type { StanceConfig } from '../src/classification/stance-config.js';
import type { TopicQuery } from '../src/sources/topic-query.js';
import { presetDir } from '../src/topics/preset-loader.js';
import { TopicsService } from '../src/topics/topics.service.js';
import { generateSample } from '../scripts/sample/juniorcontract-sample.js';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TOTAL = Number(process.env.BENCH_POSTS ?? 200_000);
const PAGE = Number(process.env.BENCH_PAGE_SIZE ?? 1000);
const WARMUP_PAGES = 3;
const ROUNDS = 4;

/**
 * Normalised posts as adapters hand them on, with the texts of the bundled #juniorcontract sample (support,
 * opposition, news, questions, replies, retweets and other languages, as real posts mix them), in the order a
 * platform pages them (newer pages, newer posts: 200,000 posts span about a month). Each copy of a sample text
 * is a distinct post with its own id, author, time and engagement.
 */
function makePosts(n: number, seed: string): NormalisedPost[] {
  const sample = generateSample();
  const start = Date.parse('2026-03-01T00:00:00Z');
  const spacingMs = 13_000;
  const posts: NormalisedPost[] = [];
  let x = 12345;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < n; i++) {
    const base = sample[Math.floor(rnd() * sample.length)];
    const isRepost = base.text.startsWith('RT @');
    posts.push({
      source: 'bench',
      externalId: `${seed}-${i}`,
      url: `https://example.social/@u${i % 5000}/${seed}-${i}`,
      authorId: `u${i % 5000}`,
      authorHandle: `user${i % 5000}`,
      text: base.text,
      lang: base.lang ?? null,
      createdAt: new Date(start + i * spacingMs + Math.floor(rnd() * spacingMs)),
      editedAt: null,
      deletedAt: null,
      isRepost,
      repostOf: isRepost ? `${seed}-${Math.floor(rnd() * n)}` : null,
      isReply: base.text.startsWith('@'),
      replyTo: null,
      isQuote: false,
      quoteOf: null,
      hashtags: [...new Set([...base.text.matchAll(/#(\w+)/gu)].map((m) => m[1].toLowerCase()))],
      engagement: { likes: Math.floor(rnd() * 100), reposts: Math.floor(rnd() * 20) },
      contentHash: createHash('sha256').update(`${base.text}\u0000${i}`).digest('hex'),
    });
  }
  return posts;
}

/**
 * CPU time so far of this process and of the PostgreSQL backends serving the bench database (read from /proc
 * when the server runs on this machine; 0 otherwise). Unlike wall time, it barely moves when other work shares
 * the machine, so it shows where a page's time goes.
 */
async function cpuNow(db: DataSource): Promise<{ node: number; server: number }> {
  const usage = process.cpuUsage();
  const node = (usage.user + usage.system) / 1000;
  const rows: { pid: number }[] = await db.query(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'`,
  );
  let ticks = 0;
  for (const { pid } of rows) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime and stime, in clock ticks
    } catch {
      return { node, server: 0 };
    }
  }
  return { node, server: (ticks * 1000) / CLOCK_TICKS_PER_SECOND };
}

/** Linux's USER_HZ, the unit of /proc/<pid>/stat times. */
const CLOCK_TICKS_PER_SECOND = 100;

async function admin<T>(task: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    return await task(c);
  } finally {
    await c.end();
  }
}

function rate(n: number, ms: number): string {
  return `${Math.round((n / ms) * 1000).toLocaleString('en-GB')}/s`;
}

/** The bare-COPY baseline: the same rows, as COPY text, into a table with post's indexes. */
class CopyBaseline {
  private constructor(private readonly c: pg.Client) {}

  static async open(url: string): Promise<CopyBaseline> {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(
      `CREATE TABLE copy_baseline (LIKE post INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)`,
    );
    return new CopyBaseline(c);
  }

  /** Copies the posts in; returns the milliseconds the COPY took. */
  async copy(posts: NormalisedPost[]): Promise<number> {
    const esc = (v: string | null) =>
      v === null
        ? '\\N'
        : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
    const lines = posts.map(
      (p) =>
        [
          p.source,
          p.externalId,
          p.url,
          p.authorId,
          p.authorHandle,
          p.text,
          p.lang,
          p.createdAt.toISOString(),
          p.isRepost ? 't' : 'f',
          p.repostOf,
          p.isReply ? 't' : 'f',
          `{${p.hashtags.join(',')}}`,
          JSON.stringify(p.engagement),
          p.contentHash,
        ]
          .map(esc)
          .join('\t') + '\n',
    );
    const started = performance.now();
    await pipeline(
      Readable.from(lines),
      this.c.query(
        copyFrom(
          `COPY copy_baseline (source, external_id, url, author_id, author_handle, text, lang, created_at, is_repost,
                               repost_of, is_reply, hashtags, engagement, content_hash) FROM STDIN`,
        ),
      ),
    );
    return performance.now() - started;
  }

  close(): Promise<void> {
    return this.c.end();
  }
}

async function main(): Promise<void> {
  const name = `gs_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  Object.assign(process.env, {
    DATABASE_URL: url.toString(),
    ENABLE_SCHEDULER: 'false',
    LOAD_PRESETS: 'false',
    // The bundled sample would otherwise be imported at start, beside the measured ingestion.
    IMPORT_SAMPLE: 'false',
    LOG_LEVEL: 'warn',
    ADMIN_API_KEY: 'bench-admin-key-0123456789',
  });
  try {
    const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
    try {
      const topics = app.get(TopicsService);
      // The shipped #juniorcontract preset: its query, and its full stance configuration (targets and cues).
      const preset = JSON.parse(readFileSync(join(presetDir(), 'juniorcontract.json'), 'utf8')) as {
        query: TopicQuery;
        stance: StanceConfig;
      };
      const topic = await topics.create({
        slug: 'bench',
        name: 'Bench',
        query: preset.query,
        stance: preset.stance,
      });
      // A second topic that about a third of the posts also match: classification per matching topic.
      await topics.create({
        slug: 'strikes',
        name: 'Strikes',
        query: { hashtags: ['juniordoctorsstrike'], keywords: ['strike'], exclude: [], languages: [] },
      });
      const [{ id: sourceId }] = await app
        .get(DataSource)
        .query(
          `INSERT INTO topic_source (topic_id, adapter, options) VALUES ($1, 'bench', '{}') RETURNING id::int AS id`,
          [topic.id],
        );
      const run = await app.get(RunsService).create({
        topicId: topic.id,
        topicSourceId: sourceId,
        adapter: 'bench',
        kind: 'manual',
        status: 'running',
      });
      const ingestion = app.get(IngestionService);

      const posts = makePosts(TOTAL + WARMUP_PAGES * PAGE, 'p');
      const pages: NormalisedPost[][] = [];
      for (let i = 0; i < posts.length; i += PAGE) pages.push(posts.slice(i, i + PAGE));
      for (const page of pages.slice(0, WARMUP_PAGES)) {
        await ingestion.ingest({
          posts: page,
          originTopicId: topic.id,
          runId: run.id,
          topicSourceId: sourceId,
          cursor: { n: 0 },
        });
      }
      // Rounds alternate ingestion and COPY of the same rows, so that both see the same machine: on a shared
      // machine the ratio is the steadier figure.
      const baseline = await CopyBaseline.open(url.toString());
      const measured = pages.slice(WARMUP_PAGES);
      const perRound = Math.ceil(measured.length / ROUNDS);
      let classified = 0;
      let nodeCpuMs = 0;
      let serverCpuMs = 0;
      const db = app.get(DataSource);
      let ingestMs = 0;
      let copyMs = 0;
      const rounds: { ingest: number; copy: number }[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const chunk = measured.slice(r * perRound, (r + 1) * perRound);
        const n = chunk.reduce((sum, p) => sum + p.length, 0);
        if (n === 0) break;
        global.gc?.();
        const cpuBefore = await cpuNow(db);
        const started = performance.now();
        for (const [i, page] of chunk.entries()) {
          const out = await ingestion.ingest({
            posts: page,
            originTopicId: topic.id,
            runId: run.id,
            topicSourceId: sourceId,
            cursor: { page: r * perRound + i },
            progress: { pages: r * perRound + i + 1 },
          });
          classified += out.classified;
        }
        const ingested = performance.now() - started;
        const cpuAfter = await cpuNow(db);
        nodeCpuMs += cpuAfter.node - cpuBefore.node;
        serverCpuMs += cpuAfter.server - cpuBefore.server;
        global.gc?.();
        const copied = await baseline.copy(chunk.flat());
        ingestMs += ingested;
        copyMs += copied;
        rounds.push({ ingest: (n / ingested) * 1000, copy: (n / copied) * 1000 });
      }
      await baseline.close();

      // The same pages again: a re-fetch after a crash is all duplicates.
      const replay = measured.slice(0, Math.ceil(measured.length / 5));
      const replayStarted = performance.now();
      for (const page of replay)
        await ingestion.ingest({ posts: page, originTopicId: topic.id, runId: run.id });
      const replayMs = performance.now() - replayStarted;
      const replayed = replay.reduce((n, p) => n + p.length, 0);

      // Two sources' runs at once, as the worker executes them (COLLECTION_CONCURRENCY): aggregate throughput.
      const streams = ['q', 'r'].map((seed) => makePosts(Math.ceil(TOTAL / 4), seed));
      const parallelStarted = performance.now();
      await Promise.all(
        streams.map(async (stream) => {
          for (let i = 0; i < stream.length; i += PAGE) {
            await ingestion.ingest({ posts: stream.slice(i, i + PAGE), originTopicId: topic.id });
          }
        }),
      );
      const parallelMs = performance.now() - parallelStarted;
      const parallel = streams.reduce((n, st) => n + st.length, 0);

      const [check] = await db.query(
        `SELECT (SELECT COALESCE(sum(support + oppose + neutral), 0)::int FROM rollup) AS rollup,
                (SELECT count(*)::int FROM classification) AS raw,
                (SELECT round(avg(octet_length(text)))::int FROM post) AS text_bytes,
                (SELECT round(avg(octet_length(explanation::text)))::int FROM classification) AS explanation_bytes`,
      );
      if (check.rollup !== check.raw)
        throw new Error(`rollups ${check.rollup} ≠ classifications ${check.raw}`);

      const ingestRate = (TOTAL / ingestMs) * 1000;
      const copyRate = (TOTAL / copyMs) * 1000;
      const best = (k: 'ingest' | 'copy') =>
        `${Math.round(Math.max(...rounds.map((r) => r[k]))).toLocaleString('en-GB')}/s`;
      const line = (label: string, value: string) => process.stdout.write(`  ${label.padEnd(44)} ${value}\n`);
      const [version] = await db.query<{ server_version: string }[]>('SHOW server_version');
      process.stdout.write(
        `ingestion: ${TOTAL.toLocaleString('en-GB')} posts in pages of ${PAGE}, ${ROUNDS} rounds, PostgreSQL ` +
          `${version.server_version.split(' ')[0]}, ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)}\n`,
      );
      line(
        'ingest (classify, upsert, rollups, cursor)',
        `${rate(TOTAL, ingestMs)}  (best round ${best('ingest')}; ${(ingestMs / 1000).toFixed(2)} s, ` +
          `${classified.toLocaleString('en-GB')} classifications)`,
      );
      line(
        'baseline: bare COPY into an indexed table',
        `${rate(TOTAL, copyMs)}  (best round ${best('copy')})`,
      );
      line(
        'workload',
        `posts of ${check.text_bytes} bytes, explanations of ${check.explanation_bytes} bytes on average`,
      );
      if (serverCpuMs > 0) {
        const per = (ms: number) => `${((ms / TOTAL) * 1000).toFixed(1)} ms`;
        line(
          'CPU per 1,000 posts (steadier under load)',
          `Node ${per(nodeCpuMs)}, PostgreSQL backends ${per(serverCpuMs)}`,
        );
      }
      line('ingest / COPY', `${(ingestRate / copyRate).toFixed(3)}`);
      line('two runs at once (aggregate)', rate(parallel, parallelMs));
      line('replay of committed pages (all duplicates)', rate(replayed, replayMs));
      line('target ≥ 20,000 posts/s', ingestRate >= 20_000 ? 'met' : 'not met on this run');
    } finally {
      await app.close();
    }
  } finally {
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
