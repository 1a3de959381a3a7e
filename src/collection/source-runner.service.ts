import { isDeepStrictEqual } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { returningRows } from '../database/returning-rows.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { AdapterRegistry } from '../sources/adapter-registry.js';
import {
  AdapterError,
  type AdapterErrorKind,
  type FetchPageResult,
  type SourceAdapter,
} from '../sources/source-adapter.js';
import type { TopicQuery } from '../sources/topic-query.js';
import type { SourceHealth } from '../topics/topic-source.entity.js';
import { type CoverageStatus, recordCoverage, recordGap } from './coverage.js';
import type { CoverageGap } from '../sources/source-adapter.js';
import { IngestionService, LeaseLostError } from './ingestion.service.js';
import type { ClaimedRun } from './run-queue.service.js';

/** Why a worker stopped a run before it ended: the instance is shutting down, or another one took it over. */
export class RunInterrupted extends Error {
  constructor(readonly reason: 'shutdown' | 'lease-lost') {
    super(reason === 'shutdown' ? 'the instance is shutting down' : 'the lease was taken over');
    this.name = 'RunInterrupted';
  }
}

/** What became of a run on this instance. */
export type RunResult =
  | { type: 'finished'; status: 'succeeded' | 'partial' | 'failed'; error: string | null }
  /** Given back to the queue on shutdown; the next claimer continues from the last committed page. */
  | { type: 'released' }
  /** Another instance holds it now; nothing more was committed here. */
  | { type: 'lost' };

interface SourceRow {
  id: string;
  adapter: string;
  options: Record<string, unknown>;
  secret_options: Record<string, unknown>;
  cursor: unknown;
  covered_until: Date | null;
  query: TopicQuery;
}

/** How a run ends: its status, the source's health and the coverage of the window it covered. */
interface Ending {
  status: 'succeeded' | 'partial' | 'failed';
  error: string | null;
  coverage: CoverageStatus;
  health?: { health: SourceHealth; detail: Record<string, unknown> };
  /** Spans the adapter said can no longer be collected: recorded as failed coverage. */
  gaps?: CoverageGap[];
}

/** Stops a run that would wait longer for a rate limit than COLLECTION_MAX_WAIT_MS allows. */
class RateLimitStop extends Error {}

const NEEDS_PERSON: readonly AdapterErrorKind[] = ['auth', 'config', 'gone'];
const MESSAGE_LIMIT = 500;

/**
 * Executes one claimed collection run: page after page from the stored cursor, each page stored with its
 * cursor and counters in one transaction, until the source is exhausted, a page limit, or an error that
 * retrying will not cure. Then ends the run, the source's health and the coverage of its window together.
 */
@Injectable()
export class SourceRunner {
  private readonly logger = new Logger('Collection');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly adapters: AdapterRegistry,
    private readonly ingestion: IngestionService,
    private readonly metrics: MetricsService,
  ) {}

  async execute(run: ClaimedRun, owner: string, signal: AbortSignal): Promise<RunResult> {
    const clock = process.hrtime.bigint();
    const [source]: SourceRow[] = await this.db.query(
      `SELECT s.id, s.adapter, s.options, s.secret_options, s.cursor, s.covered_until, t.query
         FROM topic_source s JOIN topic t ON t.id = s.topic_id WHERE s.id = $1`,
      [run.topicSourceId],
    );
    let result: RunResult;
    if (!source) {
      result = await this.end(run, owner, null, {
        status: 'failed',
        error: 'the source was removed',
        coverage: 'failed',
      });
    } else if (!this.adapters.has(source.adapter)) {
      result = await this.end(run, owner, source, {
        status: 'failed',
        error: `adapter "${source.adapter}" is not installed`,
        coverage: 'failed',
        health: attention('config', `adapter "${source.adapter}" is not installed`),
      });
    } else {
      result = await this.collect(run, owner, source, this.adapters.get(source.adapter), signal);
    }
    if (result.type === 'finished') {
      const labels = { adapter: run.adapter, kind: run.kind, status: result.status };
      this.metrics.runs.inc(labels);
      this.metrics.runDuration.observe(labels, Number(process.hrtime.bigint() - clock) / 1e9);
    }
    return result;
  }

  private async collect(
    run: ClaimedRun,
    owner: string,
    source: SourceRow,
    adapter: SourceAdapter,
    signal: AbortSignal,
  ): Promise<RunResult> {
    const { maxPages, fetchTimeoutMs, leaseMs } = this.config.collection;
    const backfill = run.kind === 'backfill';
    const since = backfill ? new Date(String(run.params.from)) : undefined;
    const until = backfill ? new Date(String(run.params.to)) : undefined;
    let cursor: unknown = (backfill ? run.progress.cursor : source.cursor) ?? undefined;
    let pages = Number(run.progress.pages ?? 0);
    let oldest = typeof run.progress.oldestPostAt === 'string' ? run.progress.oldestPostAt : undefined;
    let committed = run.fetched > 0;
    let pagesNow = 0;
    const waits = { totalMs: 0 };
    const options = { ...source.options, ...source.secret_options };
    const gaps: CoverageGap[] = [];
    const end = (e: Ending) => this.end(run, owner, source, { ...e, gaps });

    try {
      for (;;) {
        if (!backfill && pagesNow >= maxPages) {
          return await end({
            status: 'partial',
            error: `stopped after ${maxPages} pages (COLLECTION_MAX_PAGES); the next run continues from here`,
            coverage: 'partial',
            health: { health: 'ok', detail: {} },
          });
        }
        const page = await this.fetchPage(adapter, run, signal, waits, {
          options,
          query: source.query,
          cursor,
          since,
          until,
          timeoutMs: fetchTimeoutMs,
          signal,
        });
        pages++;
        pagesNow++;
        gaps.push(...(page.gaps ?? []));
        for (const p of page.posts) {
          const at = p.createdAt.toISOString();
          if (oldest === undefined || at < oldest) oldest = at;
        }
        if (oldest) run.progress.oldestPostAt = oldest;
        // A page that moves nothing forward ends the run: asking again would loop.
        const stuck =
          !page.exhausted && page.posts.length === 0 && isDeepStrictEqual(page.nextCursor, cursor);
        await this.store(run, owner, leaseMs, signal, {
          posts: page.posts,
          rejected: page.rejected.map((r) => ({ reason: r.reason, raw: r.raw, source: adapter.name })),
          originTopicId: run.topicId,
          runId: run.id,
          topicSourceId: backfill ? undefined : run.topicSourceId,
          cursor: backfill ? undefined : page.nextCursor,
          progress: {
            pages,
            ...(oldest ? { oldestPostAt: oldest } : {}),
            ...(backfill ? { cursor: page.nextCursor ?? null } : {}),
          },
          lease: { owner, ttlMs: leaseMs },
        });
        committed = true;
        this.metrics.pages.inc({ adapter: adapter.name });
        if (page.exhausted || stuck) {
          if (stuck)
            this.logger.warn(`Run ${run.id}: ${adapter.name} returned the same cursor without posts`);
          return await end({
            status: 'succeeded',
            error: null,
            coverage: 'ok',
            health: { health: 'ok', detail: {} },
          });
        }
        cursor = page.nextCursor ?? undefined;
        await this.waitForReset(page, adapter, signal, waits);
      }
    } catch (error) {
      if (error instanceof RunInterrupted || signal.aborted) {
        const reason =
          error instanceof RunInterrupted ? error.reason : (signal.reason as RunInterrupted)?.reason;
        return reason === 'lease-lost' ? { type: 'lost' } : this.release(run, owner);
      }
      if (error instanceof LeaseLostError) return { type: 'lost' };
      return end(this.failure(error, committed, adapter.name));
    }
  }

  /** Fetches one page: rate limits are waited out (within COLLECTION_MAX_WAIT_MS), temporary errors retried. */
  private async fetchPage(
    adapter: SourceAdapter,
    run: ClaimedRun,
    signal: AbortSignal,
    waits: { totalMs: number },
    params: Parameters<SourceAdapter['fetchPage']>[0],
  ): Promise<FetchPageResult> {
    const { retries, retryBaseMs } = this.config.collection;
    let failures = 0;
    let rateLimits = 0;
    for (;;) {
      throwIfInterrupted(signal);
      try {
        const page = await adapter.fetchPage(params);
        if (page.rateLimit?.waitedMs) this.countWait(adapter.name, page.rateLimit.waitedMs);
        return page;
      } catch (error) {
        throwIfInterrupted(signal);
        const kind: AdapterErrorKind = error instanceof AdapterError ? error.kind : 'temporary';
        this.metrics.adapterErrors.inc({ adapter: adapter.name, kind });
        if (kind === 'rate_limited') {
          const retryAfter = (error as AdapterError).retryAfterMs;
          const waitMs = retryAfter ?? Math.min(retryBaseMs * 2 ** rateLimits, 60_000);
          rateLimits++;
          await this.waitRateLimit(adapter.name, waitMs, signal, waits, (error as Error).message);
          continue;
        }
        if (kind === 'temporary' && failures < retries) {
          failures++;
          const delay = retryBaseMs * 2 ** (failures - 1) * (0.8 + Math.random() * 0.4);
          this.logger.warn(
            `Run ${run.id} (${adapter.name}): ${message(error)}; retry ${failures} of ${retries} in ${Math.round(delay)} ms`,
          );
          await interruptible(sleep(delay, undefined, { signal }), signal);
          continue;
        }
        throw error;
      }
    }
  }

  /** After a page that used up the rate limit, waits for its reset before asking for the next page. */
  private async waitForReset(
    page: FetchPageResult,
    adapter: SourceAdapter,
    signal: AbortSignal,
    waits: { totalMs: number },
  ): Promise<void> {
    const rl = page.rateLimit;
    if (!rl || rl.remaining !== 0 || !rl.resetAt) return;
    const waitMs = rl.resetAt.getTime() - Date.now();
    if (waitMs > 0) await this.waitRateLimit(adapter.name, waitMs, signal, waits, 'rate limit used up');
  }

  private async waitRateLimit(
    adapter: string,
    waitMs: number,
    signal: AbortSignal,
    waits: { totalMs: number },
    why: string,
  ): Promise<void> {
    if (waits.totalMs + waitMs > this.config.collection.maxWaitMs) {
      throw new RateLimitStop(
        `rate limited (${why}); waiting ${Math.ceil(waitMs / 1000)} s more would exceed COLLECTION_MAX_WAIT_MS`,
      );
    }
    waits.totalMs += waitMs;
    this.countWait(adapter, waitMs);
    await interruptible(sleep(waitMs, undefined, { signal }), signal);
  }

  private countWait(adapter: string, ms: number): void {
    this.metrics.rateLimitWaits.inc({ adapter });
    this.metrics.rateLimitWaitSeconds.inc({ adapter }, ms / 1000);
  }

  /** Stores a page; a failed transaction left nothing behind, so retrying it is safe. */
  private async store(
    run: ClaimedRun,
    owner: string,
    leaseMs: number,
    signal: AbortSignal,
    batch: Parameters<IngestionService['ingest']>[0],
  ): Promise<void> {
    const { retries, retryBaseMs } = this.config.collection;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.ingestion.ingest(batch);
        return;
      } catch (error) {
        if (error instanceof LeaseLostError || attempt >= retries)
          throw error instanceof LeaseLostError ? error : new StoreError(error);
        this.logger.warn(`Run ${run.id}: storing a page failed (${message(error)}); retrying`);
        await interruptible(sleep(retryBaseMs * 2 ** attempt, undefined, { signal }), signal);
      }
    }
  }

  private failure(error: unknown, committed: boolean, adapter: string): Ending {
    const status = committed ? 'partial' : 'failed';
    const text = message(error).slice(0, MESSAGE_LIMIT);
    if (error instanceof RateLimitStop) {
      return {
        status,
        error: text,
        coverage: 'rate_limited',
        health: { health: 'rate_limited', detail: { message: text, at: new Date().toISOString() } },
      };
    }
    if (error instanceof StoreError) {
      this.logger.error(`A ${adapter} page could not be stored: ${text}`);
      return { status, error: `storing a page failed: ${text}`, coverage: committed ? 'partial' : 'failed' };
    }
    const kind: AdapterErrorKind = error instanceof AdapterError ? error.kind : 'temporary';
    if (!(error instanceof AdapterError)) this.logger.error(`${adapter} failed unexpectedly: ${text}`);
    if (NEEDS_PERSON.includes(kind)) {
      return {
        status,
        error: `${kind}: ${text}`,
        coverage: committed ? 'partial' : 'failed',
        health: attention(kind, text),
      };
    }
    return {
      status,
      error: `${kind}: ${text}`,
      coverage: committed ? 'partial' : 'failed',
      health: { health: 'failing', detail: { kind, message: text, since: new Date().toISOString() } },
    };
  }

  /**
   * Ends the run, updates the source's health and records coverage, in one transaction fenced by the lease:
   * a worker whose run was taken over changes nothing.
   */
  private async end(run: ClaimedRun, owner: string, source: SourceRow | null, e: Ending): Promise<RunResult> {
    const ended = await this.db.transaction(async (m) => {
      const rows = returningRows<{ id: string }>(
        await m.query(
          `UPDATE collection_run SET status = $3, error = $4, finished_at = now(), lease_owner = NULL, lease_expires_at = NULL
            WHERE id = $1 AND lease_owner = $2 AND status = 'running' RETURNING id`,
          [run.id, owner, e.status, e.error],
        ),
      );
      if (rows.length === 0) return false;
      // The source may have been removed while the run executed: then there is no health or coverage to keep.
      const live: unknown[] = source
        ? await m.query(`SELECT 1 FROM topic_source WHERE id = $1 FOR KEY SHARE`, [run.topicSourceId])
        : [];
      if (!source || live.length === 0) return true;
      const backfill = run.kind === 'backfill';
      const from = backfill
        ? new Date(String(run.params.from))
        : (source.covered_until ?? earliest(run.progress.oldestPostAt, run.startedAt));
      // A live window starts where the last complete one ended; until a run completes, the open gap keeps its
      // start, so that the run that finally completes covers it all.
      await m.query(
        `UPDATE topic_source SET last_run_at = now(),
                health = COALESCE($2, health),
                -- The database's clock, like updated_at's: an edit after this moment lets the schedule retry.
                health_detail = CASE WHEN $2 = 'needs_attention'
                                     THEN $3::jsonb || jsonb_build_object('attentionSince', now())
                                     ELSE COALESCE($3::jsonb, health_detail) END,
                covered_until = CASE WHEN $4::boolean THEN covered_until
                                     WHEN $5::boolean THEN now() ELSE COALESCE(covered_until, $6) END
          WHERE id = $1`,
        [
          run.topicSourceId,
          e.health?.health ?? null,
          e.health ? JSON.stringify(e.health.detail) : null,
          backfill,
          e.coverage === 'ok',
          from.toISOString(),
        ],
      );
      await recordCoverage(
        m,
        {
          topicSourceId: run.topicSourceId,
          runId: run.id,
          from,
          to: backfill ? new Date(String(run.params.to)) : null,
          live: !backfill,
        },
        e.coverage,
      );
      for (const gap of e.gaps ?? []) {
        await recordGap(m, {
          topicSourceId: run.topicSourceId,
          runId: run.id,
          from: gap.from,
          until: gap.until,
        });
      }
      return true;
    });
    if (!ended) return { type: 'lost' };
    if (e.status !== 'succeeded')
      this.logger.warn(`Run ${run.id} (${run.adapter}) ended ${e.status}: ${e.error}`);
    return { type: 'finished', status: e.status, error: e.error };
  }

  private async release(run: ClaimedRun, owner: string): Promise<RunResult> {
    await this.db.query(
      `UPDATE collection_run SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL
        WHERE id = $1 AND lease_owner = $2 AND status = 'running'`,
      [run.id, owner],
    );
    return { type: 'released' };
  }
}

/** A page fetched but not stored, after retries. */
class StoreError extends Error {
  constructor(cause: unknown) {
    super(message(cause), { cause });
  }
}

function attention(kind: AdapterErrorKind, text: string) {
  return {
    health: 'needs_attention' as const,
    detail: { kind, message: text },
  };
}

function earliest(oldestPostAt: unknown, startedAt: Date): Date {
  const oldest = typeof oldestPostAt === 'string' ? new Date(oldestPostAt) : undefined;
  return oldest && oldest < startedAt ? oldest : startedAt;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function throwIfInterrupted(signal: AbortSignal): void {
  if (signal.aborted)
    throw signal.reason instanceof RunInterrupted ? signal.reason : new RunInterrupted('shutdown');
}

/** Awaits a wait that the signal may cut short, turning the abort into the worker's reason. */
async function interruptible(wait: Promise<unknown>, signal: AbortSignal): Promise<void> {
  try {
    await wait;
  } catch (error) {
    if (signal.aborted) throwIfInterrupted(signal);
    throw error;
  }
}
