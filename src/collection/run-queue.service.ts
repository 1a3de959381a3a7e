import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { returningRows } from '../database/returning-rows.js';
import type { RunStatus } from './collection-run.entity.js';
import type { RunSummary } from './run.dto.js';

/** The run kinds the collection worker executes; imports and rescores have their own runners. */
export type CollectionKind = 'scheduled' | 'manual' | 'backfill';
const KINDS_SQL = `('scheduled', 'manual', 'backfill')`;

/** A run this instance holds the lease of. */
export interface ClaimedRun {
  id: number;
  topicId: number;
  topicSourceId: number;
  adapter: string;
  kind: CollectionKind;
  params: Record<string, unknown>;
  progress: Record<string, unknown>;
  fetched: number;
  attempts: number;
  startedAt: Date;
}

interface ClaimedRow {
  id: string;
  topic_id: string;
  topic_source_id: string;
  adapter: string;
  kind: CollectionKind;
  params: Record<string, unknown>;
  progress: Record<string, unknown>;
  fetched: number;
  attempts: number;
  started_at: Date;
}

/** Two-key advisory lock that serialises claims (transaction-scoped: never held past the claim). */
const CLAIM_LOCK = [0x6773, 0x636c] as const;
const UNIQUE_VIOLATION = '23505';

/** A source whose last error needs a person is retried by the schedule at most this often. */
const NEEDS_ATTENTION_RETRY = `interval '1 hour'`;

/**
 * The collection run queue in `collection_run`: scheduled ticks and manual requests enqueue rows, workers
 * on any instance claim them with `FOR UPDATE SKIP LOCKED` and hold them under a renewable lease.
 */
@Injectable()
export class RunQueue {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * One scheduled run per enabled source of an active topic for the schedule slot. The slot key makes every
   * instance's tick for the same slot enqueue the same rows once; a source that already has a run waiting
   * gets no second one, and a source that needs attention is left alone until it is edited (or an hour).
   */
  async enqueueScheduled(topicId: number, slot: Date): Promise<number[]> {
    const rows: { id: string }[] = await this.db.query(
      `INSERT INTO collection_run (topic_id, topic_source_id, adapter, kind, status, scheduled_for)
       SELECT s.topic_id, s.id, s.adapter, 'scheduled', 'queued', $2
         FROM topic_source s JOIN topic t ON t.id = s.topic_id
        WHERE s.topic_id = $1 AND s.enabled AND NOT t.paused
          AND NOT (s.health = 'needs_attention'
                   AND s.updated_at <= COALESCE((s.health_detail->>'attentionSince')::timestamptz, '-infinity')
                   AND COALESCE((s.health_detail->>'attentionSince')::timestamptz, '-infinity') > now() - ${NEEDS_ATTENTION_RETRY})
          AND NOT EXISTS (SELECT 1 FROM collection_run r WHERE r.topic_source_id = s.id AND r.status = 'queued')
       ON CONFLICT (topic_source_id, kind, scheduled_for) WHERE scheduled_for IS NOT NULL DO NOTHING
       RETURNING id`,
      [topicId, slot.toISOString()],
    );
    return rows.map((r) => Number(r.id));
  }

  /** A manual run for each given source, or the run already waiting for it. */
  async enqueueManual(topicId: number, sources: { id: number; adapter: string }[]): Promise<RunSummary[]> {
    if (sources.length === 0) return [];
    return this.db.transaction(async (m) => {
      const waiting: { id: string; topic_source_id: string; adapter: string; status: RunStatus }[] =
        await m.query(
          `SELECT DISTINCT ON (topic_source_id) id, topic_source_id, adapter, status
           FROM collection_run
          WHERE topic_source_id = ANY($1::bigint[]) AND status = 'queued' AND kind IN ('scheduled', 'manual')
          ORDER BY topic_source_id, id`,
          [sources.map((s) => s.id)],
        );
      const bySource = new Map(waiting.map((w) => [Number(w.topic_source_id), w]));
      const out: RunSummary[] = [];
      for (const s of sources) {
        const w = bySource.get(s.id);
        if (w) {
          out.push({ id: Number(w.id), adapter: w.adapter, status: w.status });
          continue;
        }
        out.push(await this.insert(m, topicId, s, 'manual', {}));
      }
      return out;
    });
  }

  /** A backfill run over [from, to) for each given source. */
  async enqueueBackfill(
    topicId: number,
    sources: { id: number; adapter: string }[],
    from: Date,
    to: Date,
  ): Promise<RunSummary[]> {
    return this.db.transaction(async (m) => {
      const out: RunSummary[] = [];
      for (const s of sources) {
        out.push(
          await this.insert(m, topicId, s, 'backfill', { from: from.toISOString(), to: to.toISOString() }),
        );
      }
      return out;
    });
  }

  private async insert(
    m: EntityManager,
    topicId: number,
    source: { id: number; adapter: string },
    kind: CollectionKind,
    params: Record<string, unknown>,
  ): Promise<RunSummary> {
    const [row]: { id: string; status: RunStatus }[] = await m.query(
      `INSERT INTO collection_run (topic_id, topic_source_id, adapter, kind, status, params)
       VALUES ($1, $2, $3, $4, 'queued', $5) RETURNING id, status`,
      [topicId, source.id, source.adapter, kind, JSON.stringify(params)],
    );
    return { id: Number(row.id), adapter: source.adapter, status: row.status };
  }

  /**
   * Claims the oldest runnable run (or the given one): queued, or running under a lease that expired because
   * its instance died. Never a second run of a source that has one executing, never more runs executing
   * across all instances than COLLECTION_CONCURRENCY, never one of `executing` (this process's own runs).
   * Returns null when there is nothing to claim now.
   */
  async claim(
    owner: string,
    onlyRunId?: number,
    executing: readonly number[] = [],
  ): Promise<ClaimedRun | null> {
    const { concurrency, leaseMs } = this.config.collection;
    try {
      return await this.db.transaction(async (m) => {
        const [{ locked }]: { locked: boolean }[] = await m.query(
          `SELECT pg_try_advisory_xact_lock($1, $2) AS locked`,
          [...CLAIM_LOCK],
        );
        if (!locked) return null;
        const [{ live }]: { live: number }[] = await m.query(
          `SELECT count(*)::int AS live FROM collection_run
            WHERE status = 'running' AND kind IN ${KINDS_SQL} AND lease_expires_at > now()`,
        );
        if (live >= concurrency) return null;
        const rows = returningRows<ClaimedRow>(
          await m.query(
            `WITH candidate AS (
               SELECT r.id FROM collection_run r JOIN topic t ON t.id = r.topic_id
                WHERE r.kind IN ${KINDS_SQL} AND r.topic_source_id IS NOT NULL
                  AND ($3::bigint IS NULL OR r.id = $3::bigint)
                  -- A run this process still executes is never claimed again here, even if its lease lapsed
                  -- (heartbeats stuck behind a long transaction): the lease owner would be the same.
                  AND NOT (r.id = ANY($4::bigint[]))
                  AND ((r.status = 'queued' AND (r.kind <> 'scheduled' OR NOT t.paused))
                       OR (r.status = 'running' AND r.lease_expires_at < now()))
                  AND NOT EXISTS (
                        SELECT 1 FROM collection_run o
                         WHERE o.topic_source_id = r.topic_source_id AND o.id <> r.id
                           AND o.status = 'running' AND o.kind IN ${KINDS_SQL})
                ORDER BY (r.status = 'running') DESC, r.id
                LIMIT 1
                FOR UPDATE OF r SKIP LOCKED)
             UPDATE collection_run r
                SET status = 'running', lease_owner = $1,
                    lease_expires_at = now() + $2 * interval '1 millisecond',
                    attempts = r.attempts + 1, started_at = COALESCE(r.started_at, now())
               FROM candidate WHERE r.id = candidate.id
             RETURNING r.id, r.topic_id, r.topic_source_id, r.adapter, r.kind, r.params, r.progress, r.fetched,
                       r.attempts, r.started_at`,
            [owner, leaseMs, onlyRunId ?? null, executing],
          ),
        );
        const r = rows[0];
        if (!r) return null;
        return {
          id: Number(r.id),
          topicId: Number(r.topic_id),
          topicSourceId: Number(r.topic_source_id),
          adapter: r.adapter,
          kind: r.kind,
          params: r.params,
          progress: r.progress,
          fetched: r.fetched,
          attempts: r.attempts,
          startedAt: new Date(r.started_at),
        };
      });
    } catch (error) {
      // Another claimer took a run of the same source in the same instant: try again on the next poll.
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) return null;
      throw error;
    }
  }

  /**
   * Extends the lease; false when this owner no longer holds the run (it was taken over) or its source was
   * removed meanwhile (the run then stops, and the sweep ends it once the lease has run out).
   */
  async heartbeat(runId: number, owner: string): Promise<boolean> {
    const rows = returningRows<{ id: string }>(
      await this.db.query(
        `UPDATE collection_run SET lease_expires_at = now() + $3 * interval '1 millisecond'
          WHERE id = $1 AND lease_owner = $2 AND status = 'running' AND topic_source_id IS NOT NULL RETURNING id`,
        [runId, owner, this.config.collection.leaseMs],
      ),
    );
    return rows.length > 0;
  }

  /** Gives a run back to the queue (shutdown): its committed pages stay, the next claimer continues. */
  async release(runId: number, owner: string): Promise<void> {
    await this.db.query(
      `UPDATE collection_run SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL
        WHERE id = $1 AND lease_owner = $2 AND status = 'running'`,
      [runId, owner],
    );
  }

  /**
   * Requeues runs left running by an earlier process: every such run in embedded mode (one process only),
   * or those leased under this INSTANCE_ID on a server. Their pages are fenced by the lease owner, so a
   * process that were somehow still alive could not commit again.
   */
  async releaseStale(ownerPrefix: string | null): Promise<number> {
    const rows = returningRows<{ id: string }>(
      await this.db.query(
        `UPDATE collection_run SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL
          WHERE status = 'running' AND kind IN ${KINDS_SQL}
            AND ($1::text IS NULL OR starts_with(lease_owner, $1::text))
        RETURNING id`,
        [ownerPrefix],
      ),
    );
    return rows.length;
  }

  /**
   * Drops queued scheduled runs that should no longer run (topic paused, source disabled or removed) and
   * ends queued runs whose source was removed. Runs that already started are ended, not dropped.
   */
  async sweep(): Promise<void> {
    const stale = `r.status = 'queued' AND r.kind IN ${KINDS_SQL} AND (
        r.topic_source_id IS NULL
        OR (r.kind = 'scheduled' AND EXISTS (
              SELECT 1 FROM topic_source s JOIN topic t ON t.id = s.topic_id
               WHERE s.id = r.topic_source_id AND (t.paused OR NOT s.enabled))))`;
    await this.db.query(`DELETE FROM collection_run r WHERE ${stale} AND r.started_at IS NULL`);
    await this.db.query(
      `UPDATE collection_run r
          SET status = CASE WHEN r.fetched > 0 THEN 'partial' ELSE 'failed' END, finished_at = now(),
              error = CASE WHEN r.topic_source_id IS NULL THEN 'the source was removed'
                           ELSE 'the topic was paused or the source disabled' END
        WHERE ${stale} AND r.started_at IS NOT NULL`,
    );
    // A run whose source was removed while it executed, and whose worker is gone, is not taken over: end it.
    await this.db.query(
      `UPDATE collection_run SET status = CASE WHEN fetched > 0 THEN 'partial' ELSE 'failed' END, finished_at = now(),
              error = 'the source was removed', lease_owner = NULL, lease_expires_at = NULL
        WHERE status = 'running' AND kind IN ${KINDS_SQL} AND topic_source_id IS NULL AND lease_expires_at < now()`,
    );
  }

  async status(runId: number): Promise<{ status: RunStatus; leaseOwner: string | null } | null> {
    const [row]: { status: RunStatus; lease_owner: string | null }[] = await this.db.query(
      `SELECT status, lease_owner FROM collection_run WHERE id = $1`,
      [runId],
    );
    return row ? { status: row.status, leaseOwner: row.lease_owner } : null;
  }
}
