import { setImmediate } from 'node:timers/promises';
import { Inject, Injectable, Logger, type OnModuleDestroy, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type ClassificationResult,
  POST_CLASSIFIER,
  type PostClassifier,
} from '../classification/post-classifier.js';
import {
  CLASSIFICATION_COLUMNS,
  classificationCopyLine,
  type ClassificationRow,
  classificationsJson,
  rollupDeltaOf,
  type RollupFields,
  SELECT_CLASSIFICATIONS_FROM_JSON,
} from '../classification/classification-rows.js';
import type { StanceConfig } from '../classification/stance-config.js';
import { AppConfig } from '../config/app-config.js';
import { copyText, CopyWriter, transactionClient } from '../database/copy-rows.js';
import { returningRows } from '../database/returning-rows.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { applyRollupDeltas, type RollupDelta } from '../series/rollup.repository.js';
import type { NormalisedPost } from '../sources/normalised-post.js';
import type { TopicQuery } from '../sources/topic-query.js';
import { RunsService } from './runs.service.js';
import { ClassificationThread, ClassificationThreadFailed, STANCE_CODES } from './classification-thread.js';
import {
  compileTopicModels,
  SCORING_SLICE,
  scorePost,
  type ScoredFor,
  type TopicDefinition,
  type TopicModel,
} from './page-scoring.js';

export interface RejectedInput {
  reason: string;
  raw?: string | null;
  lineNumber?: number | null;
  source?: string;
}

/** One page (or import chunk) to store, with everything that must commit together with it. */
export interface IngestBatch {
  posts: readonly NormalisedPost[];
  rejected?: readonly RejectedInput[];
  /** The topic whose source or import produced the batch: it receives every admitted post. */
  originTopicId?: number;
  runId?: number;
  /** Advanced to `cursor` in the same transaction as the posts it covers. */
  topicSourceId?: number;
  cursor?: unknown;
  /** Merged into the run's progress. */
  progress?: Record<string, unknown>;
  /**
   * The lease under which a collection worker holds `runId`. The page commits only while this owner still
   * holds the run (and renews it); a worker whose run was taken over cannot commit anything more.
   */
  lease?: { owner: string; ttlMs: number };
}

/** The batch's run is no longer held by the batch's lease owner: nothing was stored. */
export class LeaseLostError extends Error {
  constructor(readonly runId: number) {
    super(`Run ${runId} is no longer held by this worker`);
    this.name = 'LeaseLostError';
  }
}

/** The fast path's COPY met a post that is stored already; the transaction is void. */
class PageHasStoredPosts extends Error {
  constructor() {
    super('The page holds posts that are stored already');
    this.name = 'PageHasStoredPosts';
  }
}

export interface IngestOutcome {
  fetched: number;
  inserted: number;
  duplicates: number;
  /** Known posts whose text changed (edits) or that were deleted: re-scored in place. */
  updated: number;
  rejected: number;
  /** Classification rows written (one per topic and lexicon version a new post joined). */
  classified: number;
}

interface ExistingPost {
  id: number;
  source: string;
  external_id: string;
  content_hash: string;
  deleted: boolean;
}

const RAW_LIMIT = 64 * 1024;

const UNIQUE_VIOLATION = '23505';

/** The active topics under one fingerprint: as stored (for the classification thread) and compiled. */
interface CompiledTopics {
  fingerprint: string;
  definitions: TopicDefinition[];
  topics: TopicModel[];
}

/**
 * A cheap fingerprint of topics and their versions, read with every page: a topic created, changed or
 * deleted, or a rescore that flips versions, recompiles the topics at once, on this instance and every other.
 */
const TOPICS_FINGERPRINT = `concat_ws('/', (SELECT count(*) FROM topic), (SELECT max(updated_at) FROM topic),
  (SELECT string_agg(topic_id || ':' || version || status, ',' ORDER BY topic_id, version)
     FROM topic_stance_version WHERE status IN ('active', 'building')))`;

/**
 * Locks the topics (ids in `$1`) a page classifies posts for, as the per-row foreign-key checks did, so that
 * none is deleted before the page commits (see the ClassificationLinksByStatementTriggers migration).
 */
const LOCK_TOPICS = `SELECT id FROM topic WHERE id = ANY($1::bigint[]) ORDER BY id FOR KEY SHARE`;

/** `post` columns in the order `copyNewPosts` writes them. */
const POST_COPY_COLUMNS = [
  'id',
  'source',
  'external_id',
  'url',
  'author_id',
  'author_handle',
  'text',
  'lang',
  'created_at',
  'edited_at',
  'deleted_at',
  'is_repost',
  'repost_of',
  'is_reply',
  'reply_to',
  'is_quote',
  'quote_of',
  'hashtags',
  'engagement',
  'content_hash',
] as const;

/**
 * Stores pages of normalised posts exactly once: posts are upserted by (source, external id), each new post
 * is classified for every topic it matches, and rollups, cursor and run counters change in the same
 * transaction. Replaying a committed page changes nothing but the duplicate count.
 */
@Injectable()
export class IngestionService implements OnModuleDestroy {
  private readonly logger = new Logger('Ingestion');
  private models?: CompiledTopics;
  /** The classification thread, once asked for; it resolves to undefined when there is none (see `thread()`). */
  private classificationThread?: Promise<ClassificationThread | undefined>;
  /** Set when the application shuts down. */
  private closing = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(POST_CLASSIFIER) private readonly classifier: PostClassifier,
    private readonly runs: RunsService,
    private readonly config: AppConfig,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  /** Runs whose last page held posts stored already: their pages are upserted, not copied. */
  private readonly runsMeetingStoredPosts = new Set<number>();

  private rememberRunMeetingStoredPosts(run: number): void {
    if (this.runsMeetingStoredPosts.size >= 10_000) this.runsMeetingStoredPosts.clear();
    this.runsMeetingStoredPosts.add(run);
  }

  /** Forget compiled topics (after a topic or stance change). */
  invalidateTopics(): void {
    this.models = undefined;
  }

  async ingest(batch: IngestBatch): Promise<IngestOutcome> {
    const inserted = new Map<string, number>();
    const updated = new Map<string, number>();
    const run = batch.runId;
    let insertBy: 'copy' | 'upsert' =
      run !== undefined && this.runsMeetingStoredPosts.has(run) ? 'upsert' : 'copy';
    let out: IngestOutcome;
    // At most three attempts: each failure below can happen once per page (nothing of a failed one commits).
    for (;;) {
      inserted.clear();
      updated.clear();
      try {
        out = await this.db.transaction((m) => this.ingestIn(m, batch, inserted, updated, insertBy));
        break;
      } catch (error) {
        if (error instanceof PageHasStoredPosts && insertBy === 'copy') {
          // Re-fetches come in runs (a replay after a crash, a re-import), so this run's next pages go
          // straight to the upsert until one of them turns out all new again.
          if (run !== undefined) this.rememberRunMeetingStoredPosts(run);
          insertBy = 'upsert';
        } else if (error instanceof ClassificationThreadFailed) {
          // Closed on shutdown, the thread takes no more pages; anything else is a fault worth an error.
          if (!this.closing)
            this.logger.error(`${error.message}; classifying on the main thread from now on`);
          const failed = await this.classificationThread;
          this.classificationThread = Promise.resolve(undefined);
          await failed?.close();
        } else throw error;
      }
    }
    if (run !== undefined && out.inserted === out.fetched) this.runsMeetingStoredPosts.delete(run);
    if (this.metrics) countCommitted(this.metrics, batch, inserted, updated);
    return out;
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    const thread = await this.classificationThread;
    this.classificationThread = Promise.resolve(undefined);
    await thread?.close();
  }

  /**
   * The classification thread for the fast path (PostgreSQL servers only, `CLASSIFIER_THREAD`), started on
   * first use; undefined when it is off, cannot start, or failed earlier.
   */
  private thread(): Promise<ClassificationThread | undefined> {
    if (this.config.embedded || !this.config.classifierThread) return Promise.resolve(undefined);
    this.classificationThread ??= ClassificationThread.start(this.classifier.version).then((thread) => {
      if (!thread)
        this.logger.warn('The classification thread did not start; classifying on the main thread');
      return thread;
    });
    return this.classificationThread;
  }

  private async ingestIn(
    m: EntityManager,
    batch: IngestBatch,
    insertedBySource: Map<string, number>,
    updatedBySource: Map<string, number>,
    insertBy: 'copy' | 'upsert',
  ): Promise<IngestOutcome> {
    if (batch.lease && batch.runId !== undefined) await this.renewLease(m, batch.runId, batch.lease);
    const posts = dedupeBatch(batch.posts);
    const out: IngestOutcome = {
      fetched: batch.posts.length,
      inserted: 0,
      duplicates: batch.posts.length - posts.length,
      updated: 0,
      rejected: batch.rejected?.length ?? 0,
      classified: 0,
    };
    const copy = insertBy === 'copy' && !this.config.embedded && posts.length > 0;
    let models = this.models;
    const page = await this.openPage(m, models?.topics ?? [], copy ? posts.length : 0);
    let liveTopicIds = page.liveTopicIds;
    if (!models || page.topicsFingerprint !== models.fingerprint) {
      // A topic was created, changed or deleted, or a rescore flipped versions (here or on another instance).
      models = await this.compileTopics(m, page.topicsFingerprint);
      liveTopicIds = await this.lockTopics(m, models.topics);
    }
    const live = models.topics.filter((t) => liveTopicIds.has(t.id));
    const allLive = live.length === models.topics.length;
    // A topic deleted since the models were compiled: no rows for it, and recompile for the next page.
    if (!allLive) this.invalidateTopics();

    const inserted = copy
      ? await this.copyPage(
          m,
          batch,
          posts,
          allLive ? models : { ...models, topics: live },
          page.reservedIds,
          out,
        )
      : await this.upsertPage(m, batch, posts, live, out, updatedBySource);
    for (const { source } of inserted) {
      insertedBySource.set(source, (insertedBySource.get(source) ?? 0) + 1);
    }
    return out;
  }

  /**
   * The fast path, for a page of posts none of which is stored yet (the usual case when collection follows a
   * cursor). Posts and their classification rows stream in as two COPYs, the second starting as soon as the
   * first has finished, while this thread classifies: PostgreSQL stores the posts, then each slice of rows as
   * it is classified, instead of waiting for the whole page. If any post is stored already, the posts COPY
   * fails, the rows' COPY never starts, and `PageHasStoredPosts` sends the page back to be upserted in a new
   * transaction.
   */
  private async copyPage(
    m: EntityManager,
    batch: IngestBatch,
    posts: readonly NormalisedPost[],
    models: CompiledTopics,
    ids: readonly number[],
    out: IngestOutcome,
  ): Promise<readonly NormalisedPost[]> {
    const thread = await this.thread();
    const client = await transactionClient(m);
    const storingPosts = this.copyNewPosts(client, posts, ids);
    // Queued behind the posts: it starts when they are stored, and fails with them.
    const rowsIn = new CopyWriter(client, 'classification', CLASSIFICATION_COLUMNS, storingPosts);
    const deltas: RollupDelta[] = [];
    try {
      out.classified = thread
        ? await this.classifyOnThread(thread, batch, posts, models, ids, rowsIn, deltas)
        : await this.classifyHere(batch, posts, models.topics, ids, rowsIn, deltas);
      this.metrics?.pagesClassified.inc({ thread: thread ? 'worker' : 'main' });
    } catch (error) {
      // Leave no COPY open: the transaction's rollback comes after it.
      rowsIn.abort(error);
      await Promise.allSettled([storingPosts, rowsIn.end()]);
      throw error;
    }
    // Rejects with the posts' failure (PageHasStoredPosts) if the posts COPY failed.
    await rowsIn.end();
    out.inserted = posts.length;
    await this.finishPage(m, batch, out, deltas);
    return posts;
  }

  /** The fast path's classification on this thread, yielding between slices so that the COPYs flow. */
  private async classifyHere(
    batch: IngestBatch,
    posts: readonly NormalisedPost[],
    topics: TopicModel[],
    ids: readonly number[],
    rowsIn: CopyWriter,
    deltas: RollupDelta[],
  ): Promise<number> {
    const classifierVersion = copyText(this.classifier.version);
    let slice: ClassificationRow[] = [];
    let classified = 0;
    await this.classifyPage(
      posts,
      topics,
      batch.originTopicId,
      (p, i, scores) => {
        for (const s of scores) slice.push(classificationRow(s.topicId, s.version, ids[i], p, s.result));
      },
      () => {
        let lines = '';
        for (const r of slice) lines += classificationCopyLine(r, classifierVersion);
        rowsIn.writeLines(lines);
        for (const r of slice) deltas.push(rollupDeltaOf(r, 1));
        classified += slice.length;
        slice = [];
      },
    );
    return classified;
  }

  /**
   * The fast path's classification on the classification thread: this thread only passes the COPY lines on
   * and keeps what the rollups need, so it stays free to feed PostgreSQL.
   */
  private classifyOnThread(
    thread: ClassificationThread,
    batch: IngestBatch,
    posts: readonly NormalisedPost[],
    models: CompiledTopics,
    ids: readonly number[],
    rowsIn: CopyWriter,
    deltas: RollupDelta[],
  ): Promise<number> {
    const topicIds = new Set(models.topics.map((t) => t.id));
    return thread.classify(
      {
        // The topics the page is scored for: all of the fingerprint's, unless one was deleted meanwhile.
        fingerprint: `${models.fingerprint}#${[...topicIds].join(',')}`,
        topics: () => models.definitions.filter((d) => topicIds.has(d.id)),
        originTopicId: batch.originTopicId,
        posts,
        ids,
      },
      ({ lines, rollups }) => {
        rowsIn.writeLines(lines);
        for (let k = 0; k < rollups.length; k += 5) {
          const post = posts[rollups[k]];
          const result = { stance: STANCE_CODES[rollups[k + 3]], sentiment: rollups[k + 4] };
          deltas.push(
            rollupDeltaOf(
              {
                topicId: rollups[k + 1],
                lexiconVersion: rollups[k + 2],
                postCreatedAt: post.createdAt,
                source: post.source,
                lang: post.lang,
                isRepost: post.isRepost,
                result,
              },
              1,
            ),
          );
        }
      },
    );
  }

  /**
   * The general path: an upsert settles which posts are new; only those are classified. Known posts whose text
   * changed are re-scored in place (edits), or lose their rows (deletions); the rest are duplicates.
   */
  private async upsertPage(
    m: EntityManager,
    batch: IngestBatch,
    posts: NormalisedPost[],
    topics: TopicModel[],
    out: IngestOutcome,
    updatedBySource: Map<string, number>,
  ): Promise<readonly NormalisedPost[]> {
    const created = await this.insertPosts(m, posts);
    const rows: ClassificationRow[] = [];
    await this.classifyPage(
      posts.filter((p) => created.has(p)),
      topics,
      batch.originTopicId,
      (p, _i, scores) => {
        const id = created.get(p);
        if (id === undefined) return;
        for (const s of scores) rows.push(classificationRow(s.topicId, s.version, id, p, s.result));
      },
    );
    await this.insertClassifications(m, rows);
    this.metrics?.pagesClassified.inc({ thread: 'main' });
    out.inserted = created.size;
    out.classified = rows.length;

    const known = posts.filter((p) => !created.has(p));
    const existing = await this.findExisting(m, known);
    const changed: { post: NormalisedPost; row: ExistingPost }[] = [];
    for (const p of known) {
      const row = existing.get(key(p.source, p.externalId));
      // No row: it was removed since the insert found it; nothing to count here.
      if (!row || row.deleted) out.duplicates++;
      else if (p.deletedAt || row.content_hash !== p.contentHash) changed.push({ post: p, row });
      else out.duplicates++;
    }
    const deltas: RollupDelta[] = rows.map((r) => rollupDeltaOf(r, 1));
    out.updated = await this.applyChanges(m, changed, topics, deltas);
    for (const { post } of changed) {
      updatedBySource.set(post.source, (updatedBySource.get(post.source) ?? 0) + 1);
    }
    await this.finishPage(m, batch, out, deltas);
    return [...created.keys()];
  }

  /** What commits with every page besides its posts: rollups, rejected items, the cursor and run counters. */
  private async finishPage(
    m: EntityManager,
    batch: IngestBatch,
    out: IngestOutcome,
    deltas: RollupDelta[],
  ): Promise<void> {
    await applyRollupDeltas(m, deltas);
    if (batch.rejected?.length) await this.storeRejected(m, batch.runId, batch.rejected);
    if (batch.topicSourceId !== undefined && batch.cursor !== undefined) {
      await m.query(`UPDATE topic_source SET cursor = $2::jsonb, updated_at = now() WHERE id = $1`, [
        batch.topicSourceId,
        JSON.stringify(batch.cursor),
      ]);
    }
    if (batch.runId !== undefined) {
      await this.runs.addCounts(
        m,
        batch.runId,
        { fetched: out.fetched, inserted: out.inserted, duplicates: out.duplicates, rejected: out.rejected },
        batch.progress,
      );
    }
  }

  /** First statement of a leased page: locks the run row, checks the owner and extends the lease. */
  private async renewLease(m: EntityManager, runId: number, lease: { owner: string; ttlMs: number }) {
    const held = returningRows<{ id: string }>(
      await m.query(
        `UPDATE collection_run SET lease_expires_at = now() + $3 * interval '1 millisecond'
          WHERE id = $1 AND lease_owner = $2 AND status = 'running' RETURNING id`,
        [runId, lease.owner, lease.ttlMs],
      ),
    );
    if (held.length === 0) throw new LeaseLostError(runId);
  }

  /**
   * The page's first statement after the lease: locks the topics it will classify posts for (`FOR KEY SHARE`,
   * so none is deleted before the page commits; see the ClassificationLinksByStatementTriggers migration),
   * reads the topics' fingerprint (are the compiled topics current?) and, for the fast path, reserves ids.
   */
  private async openPage(
    m: EntityManager,
    topics: readonly TopicModel[],
    idsWanted: number,
  ): Promise<{ liveTopicIds: Set<number>; topicsFingerprint: string; reservedIds: number[] }> {
    // Ids come in blocks: one nextval of post's identity sequence reserves `increment` ids (1,024 since the
    // PostIdsInBlocks migration), so a page of up to that many posts costs a single nextval.
    const [row]: { topics: string[] | null; fingerprint: string; block: string; starts: string[] | null }[] =
      await m.query(
        `WITH s AS (SELECT q.seqrelid AS seq, q.seqincrement AS block FROM pg_sequence q
                     WHERE q.seqrelid = pg_get_serial_sequence('post', 'id')::regclass)
         SELECT ARRAY(${LOCK_TOPICS}) AS topics,
                ${TOPICS_FINGERPRINT} AS fingerprint,
                (SELECT block FROM s) AS block,
                ARRAY(SELECT nextval(s.seq) FROM s, generate_series(1, ceil($2::numeric / s.block)::int)) AS starts`,
        [topics.map((t) => t.id), idsWanted],
      );
    const block = Number(row.block);
    const reservedIds: number[] = [];
    for (const start of row.starts ?? []) {
      for (let i = 0; i < block && reservedIds.length < idsWanted; i++) reservedIds.push(Number(start) + i);
    }
    return {
      liveTopicIds: new Set((row.topics ?? []).map(Number)),
      topicsFingerprint: row.fingerprint,
      reservedIds,
    };
  }

  private async lockTopics(m: EntityManager, topics: readonly TopicModel[]): Promise<Set<number>> {
    const rows: { id: string }[] = await m.query(LOCK_TOPICS, [topics.map((t) => t.id)]);
    return new Set(rows.map((r) => Number(r.id)));
  }

  /**
   * Starts the COPY of a page's posts with the ids reserved for them: it costs PostgreSQL about half of an
   * upsert. A post stored already stops it on the unique key, and the promise rejects with
   * `PageHasStoredPosts`. Posts are in key order (`dedupeBatch`), so concurrent pages meet in one order and
   * cannot deadlock.
   */
  private copyNewPosts(
    client: pg.ClientBase,
    posts: readonly NormalisedPost[],
    ids: readonly number[],
  ): Promise<void> {
    const writer = new CopyWriter(client, 'post', POST_COPY_COLUMNS);
    writer.write(
      posts.map((p, i) => [
        ids[i],
        p.source,
        p.externalId,
        p.url,
        p.authorId,
        p.authorHandle,
        p.deletedAt ? '' : p.text,
        p.lang,
        p.createdAt,
        p.editedAt,
        p.deletedAt,
        p.isRepost,
        p.repostOf,
        p.isReply,
        p.replyTo,
        p.isQuote,
        p.quoteOf,
        arrayLiteral(p.hashtags),
        p.engagement,
        p.contentHash,
      ]),
    );
    return writer.end().then(
      () => undefined,
      (error: unknown) => {
        throw (error as { code?: string }).code === UNIQUE_VIOLATION ? new PageHasStoredPosts() : error;
      },
    );
  }

  private async findExisting(m: EntityManager, posts: NormalisedPost[]): Promise<Map<string, ExistingPost>> {
    const found = new Map<string, ExistingPost>();
    if (posts.length === 0) return found;
    const rows: ExistingPost[] = await m.query(
      `SELECT p.id, p.source, p.external_id, p.content_hash, p.deleted_at IS NOT NULL AS deleted
         FROM post p JOIN unnest($1::text[], $2::text[]) AS k(source, external_id)
           ON p.source = k.source AND p.external_id = k.external_id`,
      [posts.map((p) => p.source), posts.map((p) => p.externalId)],
    );
    for (const r of rows) found.set(key(r.source, r.external_id), { ...r, id: Number(r.id) });
    return found;
  }

  /** Inserts new posts in one statement; returns the posts this call created, with their ids. */
  private async insertPosts(m: EntityManager, posts: NormalisedPost[]): Promise<Map<NormalisedPost, number>> {
    const ids = new Map<NormalisedPost, number>();
    if (posts.length === 0) return ids;
    const rows: { id: string; source: string; external_id: string }[] = await m.query(
      `INSERT INTO post (source, external_id, url, author_id, author_handle, text, lang, created_at, edited_at, deleted_at,
                         is_repost, repost_of, is_reply, reply_to, is_quote, quote_of, hashtags, engagement, content_hash)
       SELECT k.source, k.external_id, k.url, k.author_id, k.author_handle, k.text, k.lang, k.created_at, k.edited_at, k.deleted_at,
              k.is_repost, k.repost_of, k.is_reply, k.reply_to, k.is_quote, k.quote_of, k.hashtags::text[], k.engagement, k.content_hash
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[],
                     $9::timestamptz[], $10::timestamptz[], $11::bool[], $12::text[], $13::bool[], $14::text[], $15::bool[],
                     $16::text[], $17::text[], $18::jsonb[], $19::text[])
           AS k(source, external_id, url, author_id, author_handle, text, lang, created_at, edited_at, deleted_at,
                is_repost, repost_of, is_reply, reply_to, is_quote, quote_of, hashtags, engagement, content_hash)
       ON CONFLICT ON CONSTRAINT post_source_external_uq DO NOTHING
       RETURNING id, source, external_id`,
      [
        arrayLiteral(posts.map((p) => p.source)),
        arrayLiteral(posts.map((p) => p.externalId)),
        arrayLiteral(posts.map((p) => p.url)),
        arrayLiteral(posts.map((p) => p.authorId)),
        arrayLiteral(posts.map((p) => p.authorHandle)),
        arrayLiteral(posts.map((p) => (p.deletedAt ? '' : p.text))),
        arrayLiteral(posts.map((p) => p.lang)),
        arrayLiteral(posts.map((p) => p.createdAt.toISOString())),
        arrayLiteral(posts.map((p) => p.editedAt?.toISOString() ?? null)),
        arrayLiteral(posts.map((p) => p.deletedAt?.toISOString() ?? null)),
        arrayLiteral(posts.map((p) => (p.isRepost ? 't' : 'f'))),
        arrayLiteral(posts.map((p) => p.repostOf)),
        arrayLiteral(posts.map((p) => (p.isReply ? 't' : 'f'))),
        arrayLiteral(posts.map((p) => p.replyTo)),
        arrayLiteral(posts.map((p) => (p.isQuote ? 't' : 'f'))),
        arrayLiteral(posts.map((p) => p.quoteOf)),
        arrayLiteral(posts.map((p) => arrayLiteral(p.hashtags))),
        arrayLiteral(posts.map((p) => JSON.stringify(p.engagement))),
        arrayLiteral(posts.map((p) => p.contentHash)),
      ],
    );
    const byKey = new Map(posts.map((p) => [key(p.source, p.externalId), p]));
    for (const r of rows) {
      const post = byKey.get(key(r.source, r.external_id));
      if (post) ids.set(post, Number(r.id));
    }
    return ids;
  }

  /**
   * Scores each live post of a page for every topic (and lexicon version) it belongs to, handing each post's
   * scores to `each`. Yields to the event loop every few posts, after `everySlice`: the page's COPYs, started
   * just before, need round trips before their rows flow, and PostgreSQL should be storing them while this
   * thread classifies.
   */
  private async classifyPage(
    posts: readonly NormalisedPost[],
    topics: TopicModel[],
    originTopicId: number | undefined,
    each: (post: NormalisedPost, index: number, scores: ScoredFor[]) => void,
    everySlice?: () => void,
  ): Promise<void> {
    for (let i = 0; i < posts.length; i++) {
      if (i % SCORING_SLICE === 0) {
        everySlice?.();
        await setImmediate();
      }
      const p = posts[i];
      if (p.deletedAt) continue;
      const results = scorePost(p, topics, originTopicId, this.classifier);
      if (results.length) each(p, i, results);
    }
    everySlice?.();
  }

  /** Edits re-score every classification of the post; deletions remove them (and blank the text). */
  private async applyChanges(
    m: EntityManager,
    changed: { post: NormalisedPost; row: ExistingPost }[],
    topics: TopicModel[],
    deltas: RollupDelta[],
  ): Promise<number> {
    if (changed.length === 0) return 0;
    const byTopic = new Map(topics.map((t) => [t.id, t]));
    for (const { post, row } of changed) {
      const old = returningRows<StoredClassification>(
        await m.query(
          `DELETE FROM classification WHERE post_id = $1
           RETURNING topic_id, lexicon_version, post_created_at, source, lang, is_repost, stance, sentiment`,
          [row.id],
        ),
      );
      for (const o of old) deltas.push(rollupDeltaOf(fromStored(o), -1));
      if (post.deletedAt) {
        await m.query(`UPDATE post SET deleted_at = $2, text = '', engagement = $3 WHERE id = $1`, [
          row.id,
          post.deletedAt.toISOString(),
          JSON.stringify(post.engagement),
        ]);
        continue;
      }
      await m.query(
        `UPDATE post SET text = $2, content_hash = $3, edited_at = COALESCE($4, now()), hashtags = $5, engagement = $6 WHERE id = $1`,
        [
          row.id,
          post.text,
          post.contentHash,
          post.editedAt?.toISOString() ?? null,
          post.hashtags,
          JSON.stringify(post.engagement),
        ],
      );
      const rows: ClassificationRow[] = [];
      for (const o of old) {
        const version = byTopic
          .get(Number(o.topic_id))
          ?.versions.find((v) => v.version === o.lexicon_version);
        if (!version) continue;
        rows.push(
          classificationRow(
            Number(o.topic_id),
            o.lexicon_version,
            row.id,
            post,
            this.classifier.classify(post, version.stance),
          ),
        );
      }
      await this.insertClassifications(m, rows);
      for (const r of rows) deltas.push(rollupDeltaOf(r, 1));
    }
    return changed.length;
  }

  private async insertClassifications(m: EntityManager, rows: ClassificationRow[]): Promise<void> {
    if (rows.length === 0) return;
    if (!this.config.embedded) {
      // Every row belongs to a post this transaction just inserted, or whose rows it just deleted: nothing can
      // conflict, so the rows go straight in with COPY.
      const writer = new CopyWriter(await transactionClient(m), 'classification', CLASSIFICATION_COLUMNS);
      const classifierVersion = copyText(this.classifier.version);
      let lines = '';
      for (const r of rows) lines += classificationCopyLine(r, classifierVersion);
      writer.writeLines(lines);
      await writer.end();
      return;
    }
    const CHUNK = 5000;
    for (let i = 0; i < rows.length; i += CHUNK) {
      await m.query(
        `INSERT INTO classification (${CLASSIFICATION_COLUMNS.join(', ')}) ${SELECT_CLASSIFICATIONS_FROM_JSON}`,
        [classificationsJson(rows.slice(i, i + CHUNK)), this.classifier.version],
      );
    }
  }

  private async storeRejected(
    m: EntityManager,
    runId: number | undefined,
    rejected: readonly RejectedInput[],
  ): Promise<void> {
    await m.query(
      `INSERT INTO rejected_item (run_id, source, line_number, reason, raw)
       SELECT $1, * FROM unnest($2::text[], $3::int[], $4::text[], $5::text[])`,
      [
        runId ?? null,
        rejected.map((r) => r.source ?? 'unknown'),
        rejected.map((r) => r.lineNumber ?? null),
        rejected.map((r) => r.reason.slice(0, 2000)),
        rejected.map((r) => (r.raw == null ? null : r.raw.slice(0, RAW_LIMIT))),
      ],
    );
  }

  /** Active topics with their compiled queries and the lexicon versions new posts must be scored under. */
  private async compileTopics(m: EntityManager, fingerprint: string): Promise<CompiledTopics> {
    const rows: { id: string; query: TopicQuery; version: number; stance: StanceConfig }[] = await m.query(
      `SELECT t.id, t.query, v.version, v.stance
         FROM topic t JOIN topic_stance_version v ON v.topic_id = t.id AND v.status IN ('active', 'building')
        ORDER BY t.id, v.version`,
    );
    const byId = new Map<number, TopicDefinition>();
    for (const r of rows) {
      const id = Number(r.id);
      let def = byId.get(id);
      if (!def) {
        def = { id, query: r.query, versions: [] };
        byId.set(id, def);
      }
      def.versions.push({ version: r.version, stance: r.stance });
    }
    const definitions = [...byId.values()];
    this.models = { fingerprint, definitions, topics: compileTopicModels(definitions, this.classifier) };
    return this.models;
  }
}

interface StoredClassification {
  topic_id: string;
  lexicon_version: number;
  post_created_at: Date;
  source: string;
  lang: string | null;
  is_repost: boolean;
  stance: ClassificationResult['stance'];
  sentiment: number;
}

function classificationRow(
  topicId: number,
  version: number,
  postId: number,
  p: NormalisedPost,
  result: ClassificationResult,
): ClassificationRow {
  return {
    topicId,
    lexiconVersion: version,
    postId,
    result,
    postCreatedAt: p.createdAt,
    source: p.source,
    lang: p.lang,
    isRepost: p.isRepost,
  };
}

function fromStored(o: StoredClassification): RollupFields {
  return {
    topicId: Number(o.topic_id),
    lexiconVersion: o.lexicon_version,
    result: { stance: o.stance, sentiment: o.sentiment },
    postCreatedAt: new Date(o.post_created_at),
    source: o.source,
    lang: o.lang,
    isRepost: o.is_repost,
  };
}

/**
 * A PostgreSQL array literal of text elements, each quoted and escaped. Built here in one pass: the driver's
 * own array encoding escapes element by element and costs more than the INSERT it feeds.
 */
function arrayLiteral(values: readonly (string | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    out += v === null ? 'NULL' : `"${/["\\]/.test(v) ? v.replace(/["\\]/g, '\\$&') : v}"`;
  }
  return `${out}}`;
}

function key(source: string, externalId: string): string {
  return `${source}\u0000${externalId}`;
}

/**
 * The last version of each (source, external id) in a batch; earlier copies count as duplicates. Sorted by
 * key so that concurrent pages sharing posts take their row locks in one order and cannot deadlock.
 */
function dedupeBatch(posts: readonly NormalisedPost[]): NormalisedPost[] {
  const byKey = new Map<string, NormalisedPost>();
  for (const p of posts) byKey.set(key(p.source, p.externalId), p);
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
}

/** Metrics for a committed page, per source (a batch from an archive may mix sources). */
function countCommitted(
  metrics: MetricsService,
  batch: IngestBatch,
  insertedBySource: Map<string, number>,
  updatedBySource: Map<string, number>,
): void {
  const fetched = new Map<string, number>();
  for (const p of batch.posts) fetched.set(p.source, (fetched.get(p.source) ?? 0) + 1);
  for (const [source, n] of fetched) {
    const inserted = insertedBySource.get(source) ?? 0;
    const updated = updatedBySource.get(source) ?? 0;
    metrics.countIngested(source, { fetched: n, inserted, duplicates: n - inserted - updated, rejected: 0 });
  }
  const rejected = new Map<string, number>();
  for (const r of batch.rejected ?? []) {
    const source = r.source ?? batch.posts[0]?.source ?? 'unknown';
    rejected.set(source, (rejected.get(source) ?? 0) + 1);
  }
  for (const [source, n] of rejected) {
    metrics.countIngested(source, { fetched: 0, inserted: 0, duplicates: 0, rejected: n });
  }
}
