import {
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { IngestionService } from '../collection/ingestion.service.js';
import { RunsService } from '../collection/runs.service.js';
import { AppConfig } from '../config/app-config.js';
import { applyRollupDeltas, rebuildRollups } from '../series/rollup.repository.js';
import { StanceChangeNotifier } from '../topics/stance-change-notifier.js';
import {
  CLASSIFICATION_COLUMNS,
  type ClassificationRow,
  classificationsJson,
  rollupDeltaOf,
  SELECT_CLASSIFICATIONS_FROM_JSON,
} from './classification-rows.js';
import { POST_CLASSIFIER, type PostClassifier } from './post-classifier.js';
import type { StanceConfig } from './stance-config.js';

/** Posts classified per transaction: big enough to be fast, small enough not to hold locks for long. */
export const RESCORE_BATCH = 2000;
/** A rescore that has not reported for this long is presumed dead and may be started again. */
const LEASE_MS = 2 * 60_000;
const POLL_MS = 5_000;
const MAX_FAILURES = 3;

export interface RescoreStart {
  runId: number;
  version: number;
}

interface BuildingVersion {
  topic_id: string;
  version: number;
  stance: StanceConfig;
  active_version: number;
}

interface StoredPost {
  id: string;
  text: string;
  hashtags: string[];
  post_created_at: Date;
  source: string;
  lang: string | null;
  is_repost: boolean;
}

/**
 * Re-classifies every stored post of a topic under its newest stance version, in the background, as a run
 * (kind `rescore`) whose progress GET /api/v1/runs/:id shows. New posts are already classified under every
 * building version by ingestion, so rows are inserted with ON CONFLICT DO NOTHING. When every post is done,
 * one transaction rebuilds the version's rollups and makes it active; the old version is retired, kept so
 * that its series can still be read.
 */
@Injectable()
export class RescoreService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RescoreService.name);
  private readonly running = new Map<string, Promise<void>>();
  private timer?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(POST_CLASSIFIER) private readonly classifier: PostClassifier,
    private readonly runs: RunsService,
    private readonly ingestion: IngestionService,
    private readonly config: AppConfig,
    stanceChanges: StanceChangeNotifier,
  ) {
    stanceChanges.subscribe(({ topicId }) => {
      // Ingestion must score new posts under the new version from now on, not after its cache expires.
      this.ingestion.invalidateTopics();
      this.startPending(topicId).catch((error: unknown) => this.logFailure(topicId, error));
    });
  }

  onApplicationBootstrap(): void {
    // Instances that collect also pick up versions left building (another instance died, or a restart).
    if (!this.config.enableScheduler) return;
    this.timer = setInterval(() => {
      this.startPending().catch((error: unknown) => this.logFailure(undefined, error));
    }, POLL_MS);
    this.timer.unref();
  }

  /** Stops between batches, before the database closes; a stopped rescore is picked up again later. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.running.values()]);
  }

  /** Waits for the rescores this process is running (tests, CLI). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  /**
   * Starts a rescore for a topic's newest building version; with `ensureVersion`, first makes a building
   * version of the current configuration if there is none (to rescore under a new classifier).
   */
  async request(topicId: number, ensureVersion: boolean): Promise<RescoreStart> {
    if (ensureVersion) {
      await this.db.query(
        `INSERT INTO topic_stance_version (topic_id, version, stance, status)
         SELECT t.id, (SELECT COALESCE(MAX(version), 0) + 1 FROM topic_stance_version WHERE topic_id = t.id), t.stance, 'building'
           FROM topic t
          WHERE t.id = $1 AND NOT EXISTS (SELECT 1 FROM topic_stance_version WHERE topic_id = t.id AND status = 'building')`,
        [topicId],
      );
      this.ingestion.invalidateTopics();
    }
    const started = await this.startPending(topicId, true);
    if (started.length > 0) return started[0];
    // Already under way: the run that is scoring the newest building version.
    const running: { id: string; version: number }[] = await this.db.query(
      `SELECT r.id, (r.params->>'version')::int AS version FROM collection_run r
        WHERE r.topic_id = $1 AND r.kind = 'rescore' AND r.status IN ('queued', 'running')
        ORDER BY r.id DESC LIMIT 1`,
      [topicId],
    );
    if (running.length) return { runId: Number(running[0].id), version: running[0].version };
    throw new NotFoundException('This topic has no stance version waiting to be scored.');
  }

  /** Claims and starts a rescore for each topic's newest building version that nobody is working on. */
  async startPending(topicId?: number, force = false): Promise<RescoreStart[]> {
    if (this.stopping) return [];
    const pending: BuildingVersion[] = await this.db.query(
      `SELECT v.topic_id, v.version, v.stance, t.stance_version AS active_version
         FROM topic_stance_version v JOIN topic t ON t.id = v.topic_id
        WHERE v.status = 'building' AND ($1::bigint IS NULL OR v.topic_id = $1)
          AND v.version = (SELECT MAX(version) FROM topic_stance_version w WHERE w.topic_id = v.topic_id AND w.status = 'building')`,
      [topicId ?? null],
    );
    const started: RescoreStart[] = [];
    for (const p of pending) {
      const claim = await this.claim(Number(p.topic_id), p.version, force);
      if (!claim) continue;
      started.push({ runId: claim, version: p.version });
      const key = `${p.topic_id}:${p.version}`;
      const work = this.rescore(claim, Number(p.topic_id), p.version, p.stance).finally(() =>
        this.running.delete(key),
      );
      this.running.set(key, work);
    }
    return started;
  }

  /** Creates the run that owns this version's rescore, unless a live one exists (one transaction, row lock). */
  private async claim(topicId: number, version: number, force: boolean): Promise<number | undefined> {
    return this.db.transaction(async (m) => {
      const locked: { status: string }[] = await m.query(
        `SELECT status FROM topic_stance_version WHERE topic_id = $1 AND version = $2 FOR UPDATE`,
        [topicId, version],
      );
      if (locked[0]?.status !== 'building') return undefined;
      const runs: { id: string; status: string; live: boolean }[] = await m.query(
        `SELECT id, status, COALESCE(lease_expires_at > now(), false) AS live FROM collection_run
          WHERE topic_id = $1 AND kind = 'rescore' AND (params->>'version')::int = $2`,
        [topicId, version],
      );
      if (runs.some((r) => (r.status === 'running' || r.status === 'queued') && r.live)) return undefined;
      if (!force && runs.filter((r) => r.status === 'failed').length >= MAX_FAILURES) return undefined;
      for (const dead of runs.filter((r) => r.status === 'running' || r.status === 'queued')) {
        await m.query(
          `UPDATE collection_run SET status = 'failed', error = 'lease expired', finished_at = now() WHERE id = $1`,
          [dead.id],
        );
      }
      const run = await this.runs.create(
        {
          topicId,
          adapter: 'classifier',
          kind: 'rescore',
          status: 'running',
          params: { version, classifier: this.classifier.version },
        },
        m,
      );
      await m.query(
        `UPDATE collection_run SET lease_owner = $2, lease_expires_at = now() + $3 * interval '1 millisecond', attempts = 1 WHERE id = $1`,
        [run.id, this.config.instanceId, LEASE_MS],
      );
      return run.id;
    });
  }

  private async rescore(
    runId: number,
    topicId: number,
    version: number,
    stance: StanceConfig,
  ): Promise<void> {
    try {
      const compiled = this.classifier.compile(stance);
      const [{ active }]: { active: number }[] = await this.db.query(
        `SELECT stance_version AS active FROM topic WHERE id = $1`,
        [topicId],
      );
      const [{ total }]: { total: number }[] = await this.db.query(
        `SELECT count(*)::int AS total FROM classification WHERE topic_id = $1 AND lexicon_version = $2`,
        [topicId, active],
      );
      let cursor = 0;
      let processed = 0;
      for (;;) {
        if (this.stopping) throw new Error('shutting down');
        const done = await this.db.transaction(async (m) => {
          // classification has no foreign keys: lock the topic and the posts this batch writes rows for, as
          // the per-row checks did, so that neither is deleted before the rows commit.
          const topic: unknown[] = await m.query(`SELECT 1 FROM topic WHERE id = $1 FOR KEY SHARE`, [
            topicId,
          ]);
          if (topic.length === 0) throw new Error('the topic was deleted');
          // Membership comes from the version the series reads now: the posts this topic holds.
          const posts: StoredPost[] = await m.query(
            `SELECT p.id, p.text, p.hashtags, c.post_created_at, c.source, c.lang, c.is_repost
               FROM classification c JOIN post p ON p.id = c.post_id
              WHERE c.topic_id = $1 AND c.lexicon_version = $2 AND c.post_id > $3 AND p.deleted_at IS NULL
              ORDER BY c.post_id LIMIT $4
                FOR KEY SHARE OF p`,
            [topicId, active, cursor, RESCORE_BATCH],
          );
          if (posts.length === 0) return true;
          const inserted = await this.insertBatch(m, topicId, version, posts, compiled);
          cursor = Number(posts[posts.length - 1].id);
          processed += posts.length;
          await this.runs.addCounts(
            m,
            runId,
            { fetched: posts.length, inserted, duplicates: posts.length - inserted },
            { version, fromVersion: active, total, processed, cursor },
          );
          await m.query(
            `UPDATE collection_run SET lease_expires_at = now() + $2 * interval '1 millisecond' WHERE id = $1`,
            [runId, LEASE_MS],
          );
          return posts.length < RESCORE_BATCH;
        });
        if (done) break;
      }
      await this.activate(topicId, version, active, compiled);
      await this.runs.finish(runId, 'succeeded');
    } catch (error) {
      this.logFailure(topicId, error);
      await this.runs
        .finish(runId, 'failed', error instanceof Error ? error.message : String(error))
        .catch((finishError: unknown) => this.logFailure(topicId, finishError));
    }
  }

  /** Classifies a batch under the new version; rows ingestion already wrote stay (ON CONFLICT DO NOTHING). */
  private async insertBatch(
    m: EntityManager,
    topicId: number,
    version: number,
    posts: StoredPost[],
    compiled: ReturnType<PostClassifier['compile']>,
  ): Promise<number> {
    const batch: ClassificationRow[] = posts.map((p) => ({
      topicId,
      lexiconVersion: version,
      postId: p.id,
      result: this.classifier.classify({ text: p.text, hashtags: p.hashtags }, compiled),
      postCreatedAt: new Date(p.post_created_at),
      source: p.source,
      lang: p.lang,
      isRepost: p.is_repost,
    }));
    const rows: { post_id: string }[] = await m.query(
      `INSERT INTO classification (${CLASSIFICATION_COLUMNS.join(', ')}) ${SELECT_CLASSIFICATIONS_FROM_JSON}
       ON CONFLICT ON CONSTRAINT classification_pk DO NOTHING
       RETURNING post_id`,
      [classificationsJson(batch), this.classifier.version],
    );
    const insertedIds = new Set(rows.map((r) => String(r.post_id)));
    const deltas = batch.filter((r) => insertedIds.has(String(r.postId))).map((r) => rollupDeltaOf(r, 1));
    await applyRollupDeltas(m, deltas);
    return insertedIds.size;
  }

  /** The switch-over, in one transaction: exact rollups for the new version, then statuses and the topic. */
  private async activate(
    topicId: number,
    version: number,
    active: number,
    compiled: ReturnType<PostClassifier['compile']>,
  ): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.query(`SELECT id FROM topic WHERE id = $1 FOR UPDATE`, [topicId]);
      // Posts that joined the topic after the last batch, before ingestion saw the new version.
      const missing: StoredPost[] = await m.query(
        `SELECT p.id, p.text, p.hashtags, c.post_created_at, c.source, c.lang, c.is_repost
           FROM classification c JOIN post p ON p.id = c.post_id
          WHERE c.topic_id = $1 AND c.lexicon_version = $2 AND p.deleted_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM classification n
                             WHERE n.topic_id = $1 AND n.lexicon_version = $3 AND n.post_id = c.post_id)
            FOR KEY SHARE OF p`,
        [topicId, active, version],
      );
      if (missing.length) await this.insertBatch(m, topicId, version, missing, compiled);
      await rebuildRollups(m, topicId, version);
      // Older versions, active or abandoned while building, are retired but kept for their series.
      await m.query(
        `UPDATE topic_stance_version SET status = 'retired'
          WHERE topic_id = $1 AND version <> $2 AND (status = 'active' OR (status = 'building' AND version < $2))`,
        [topicId, version],
      );
      await m.query(
        `UPDATE topic_stance_version SET status = 'active' WHERE topic_id = $1 AND version = $2`,
        [topicId, version],
      );
      await m.query(`UPDATE topic SET stance_version = $2, updated_at = now() WHERE id = $1`, [
        topicId,
        version,
      ]);
    });
    this.ingestion.invalidateTopics();
  }

  private logFailure(topicId: number | undefined, error: unknown): void {
    if (this.stopping) return;
    this.logger.error(
      { topicId, err: error instanceof Error ? error.message : String(error) },
      'rescore failed',
    );
  }
}
