import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, LessThan } from 'typeorm';
import { Topic } from '../topics/topic.entity.js';
import { CollectionRun, type RunKind, type RunStatus } from './collection-run.entity.js';
import type { RunPage, RunView } from './run.dto.js';

export interface NewRun {
  topicId: number;
  topicSourceId?: number | null;
  adapter: string;
  kind: RunKind;
  status?: RunStatus;
  params?: Record<string, unknown>;
  scheduledFor?: Date | null;
}

export interface RunCounts {
  fetched?: number;
  inserted?: number;
  duplicates?: number;
  rejected?: number;
}

/** Collection, import and rescore runs: their lifecycle and their counters. */
@Injectable()
export class RunsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(run: NewRun, m: EntityManager = this.db.manager): Promise<CollectionRun> {
    const repo = m.getRepository(CollectionRun);
    const status = run.status ?? 'queued';
    return repo.save(
      repo.create({
        topicId: run.topicId,
        topicSourceId: run.topicSourceId ?? null,
        adapter: run.adapter,
        kind: run.kind,
        status,
        params: run.params ?? {},
        progress: {},
        fetched: 0,
        inserted: 0,
        duplicates: 0,
        rejected: 0,
        error: null,
        scheduledFor: run.scheduledFor ?? null,
        attempts: 0,
        startedAt: status === 'running' ? new Date() : null,
      }),
    );
  }

  /** Adds to a run's counters; called in the transaction that stored what is counted. */
  async addCounts(
    m: EntityManager,
    runId: number,
    c: RunCounts,
    progress?: Record<string, unknown>,
  ): Promise<void> {
    await m.query(
      `UPDATE collection_run SET fetched = fetched + $2, inserted = inserted + $3, duplicates = duplicates + $4,
              rejected = rejected + $5, progress = CASE WHEN $6::jsonb IS NULL THEN progress ELSE progress || $6::jsonb END
        WHERE id = $1`,
      [
        runId,
        c.fetched ?? 0,
        c.inserted ?? 0,
        c.duplicates ?? 0,
        c.rejected ?? 0,
        progress ? JSON.stringify(progress) : null,
      ],
    );
  }

  async start(runId: number): Promise<void> {
    await this.db.query(
      `UPDATE collection_run SET status = 'running', started_at = COALESCE(started_at, now()), attempts = attempts + 1 WHERE id = $1`,
      [runId],
    );
  }

  async finish(
    runId: number,
    status: Exclude<RunStatus, 'queued' | 'running'>,
    error?: string | null,
    m: EntityManager = this.db.manager,
  ): Promise<void> {
    await m.query(
      `UPDATE collection_run SET status = $2, error = $3, finished_at = now(), lease_owner = NULL, lease_expires_at = NULL WHERE id = $1`,
      [runId, status, error ?? null],
    );
  }

  async view(id: number): Promise<RunView> {
    const run = await this.db.getRepository(CollectionRun).findOne({ where: { id } });
    if (!run) throw new NotFoundException(`No run with id ${id}.`);
    const topic = await this.db.getRepository(Topic).findOneByOrFail({ id: run.topicId });
    return toView(run, topic.slug);
  }

  /** A topic's runs, newest first, paged by id. */
  async listForTopic(topicId: number, slug: string, limit = 20, cursor?: number): Promise<RunPage> {
    const rows = await this.db.getRepository(CollectionRun).find({
      where: { topicId, ...(cursor ? { id: LessThan(cursor) } : {}) },
      order: { id: 'DESC' },
      take: limit + 1,
    });
    const more = rows.length > limit;
    const items = rows.slice(0, limit).map((r) => toView(r, slug));
    return { items, nextCursor: more ? String(items[items.length - 1].id) : null };
  }
}

export function toView(r: CollectionRun, topic: string): RunView {
  return {
    id: r.id,
    topic,
    adapter: r.adapter,
    sourceId: r.topicSourceId,
    kind: r.kind,
    status: r.status,
    fetched: r.fetched,
    inserted: r.inserted,
    duplicates: r.duplicates,
    rejected: r.rejected,
    error: r.error,
    sample: r.params?.sample === true,
    progress: r.progress,
    attempts: r.attempts,
    scheduledFor: r.scheduledFor?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}
