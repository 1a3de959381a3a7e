import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Stance } from '../classification/post-classifier.js';
import type { NormalisedPost } from '../sources/normalised-post.js';
import type { TopicDefinition } from './page-scoring.js';

/** Stances by the code the worker sends them as. */
export const STANCE_CODES: readonly Stance[] = ['support', 'oppose', 'neutral'];

/** A page to score, as parallel arrays (cheaper to pass between threads than an object per post). */
export interface PageRequest {
  page: number;
  fingerprint: string;
  /** Sent when the worker has not seen this fingerprint's topics yet. */
  topics?: TopicDefinition[];
  originTopicId: number | null;
  ids: readonly number[];
  texts: string[];
  hashtags: string[][];
  langs: (string | null)[];
  deleted: boolean[];
  createdAt: number[];
  sources: string[];
  isRepost: boolean[];
}

/**
 * A slice of the page's classification rows: COPY lines in `CLASSIFICATION_COLUMNS` order, and per row
 * five numbers (post index, topic id, lexicon version, stance code, sentiment) for the rollups.
 */
export interface ScoredSlice {
  lines: string;
  rollups: number[];
}

export type WorkerReply =
  | { kind: 'ready'; version: string; threadId: number }
  | ({ kind: 'slice'; page: number } & ScoredSlice)
  | { kind: 'done'; page: number; rows: number }
  | { kind: 'failed'; page: number; message: string };

/** The thread died or failed a page: nothing it sent for the page may be kept. */
export class ClassificationThreadFailed extends Error {
  constructor(message: string) {
    super(`Classification thread: ${message}`);
    this.name = 'ClassificationThreadFailed';
  }
}

interface Pending {
  onSlice: (slice: ScoredSlice) => void;
  resolve: (rows: number) => void;
  reject: (error: Error) => void;
}

/**
 * Classification on a second thread. Ingestion's fast path streams a page's posts and classification rows into
 * PostgreSQL with COPY; classified on the main thread, the rows cost that thread more than everything else
 * (about half its CPU), and PostgreSQL waited on it. Here the main thread sends the page and only passes the
 * finished COPY lines on, while the worker classifies. The worker runs the same classifier code, and its
 * version is checked at start: a worker whose classifier differs is not used.
 *
 * The worker file sits beside this module and has its extension: `.js` when built, `.ts` when the process
 * runs the TypeScript sources under a loader, which worker threads inherit.
 */
export class ClassificationThread {
  private readonly pending = new Map<number, Pending>();
  private nextPage = 1;
  private sentFingerprint?: string;
  private failure?: ClassificationThreadFailed;
  /** Pages sent and not yet settled: close() lets them finish. */
  private readonly inFlight = new Set<Promise<unknown>>();

  private constructor(
    private readonly worker: Worker,
    readonly threadId: number,
  ) {
    worker.on('message', (message: WorkerReply) => this.receive(message));
    worker.on('error', (error) => this.fail(error.message));
    worker.on('exit', (code) => this.fail(`exited with code ${code}`));
  }

  /** Starts the worker; resolves once it runs `classifierVersion`, or to undefined if it cannot. */
  static async start(
    classifierVersion: string,
    timeoutMs = 30_000,
  ): Promise<ClassificationThread | undefined> {
    const file = new URL(
      `./classification-worker${extname(fileURLToPath(import.meta.url))}`,
      import.meta.url,
    );
    let worker: Worker;
    try {
      worker = new Worker(file);
    } catch {
      return undefined;
    }
    const ready = await new Promise<{ version: string; threadId: number } | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      const done = (value: { version: string; threadId: number } | undefined) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onFailure);
        worker.off('exit', onFailure);
        resolve(value);
      };
      const onMessage = (m: WorkerReply) => {
        if (m.kind === 'ready') done(m);
      };
      const onFailure = () => done(undefined);
      worker.on('message', onMessage);
      worker.once('error', onFailure);
      worker.once('exit', onFailure);
    });
    if (ready?.version !== classifierVersion) {
      await worker.terminate();
      return undefined;
    }
    return new ClassificationThread(worker, ready.threadId);
  }

  get healthy(): boolean {
    return this.failure === undefined;
  }

  /**
   * Scores a page: `onSlice` receives its classification rows a slice at a time, as the worker finishes them;
   * resolves with the number of rows. Rejects with `ClassificationThreadFailed` if the worker fails.
   */
  classify(
    request: {
      fingerprint: string;
      topics: () => TopicDefinition[];
      originTopicId: number | undefined;
      posts: readonly NormalisedPost[];
      ids: readonly number[];
    },
    onSlice: (slice: ScoredSlice) => void,
  ): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    const page = this.nextPage++;
    const { posts } = request;
    const message: PageRequest = {
      page,
      fingerprint: request.fingerprint,
      topics: request.fingerprint === this.sentFingerprint ? undefined : request.topics(),
      originTopicId: request.originTopicId ?? null,
      ids: request.ids,
      texts: posts.map((p) => p.text),
      hashtags: posts.map((p) => p.hashtags),
      langs: posts.map((p) => p.lang),
      deleted: posts.map((p) => p.deletedAt !== null),
      createdAt: posts.map((p) => p.createdAt.getTime()),
      sources: posts.map((p) => p.source),
      isRepost: posts.map((p) => p.isRepost),
    };
    this.sentFingerprint = request.fingerprint;
    const scored = new Promise<number>((resolve, reject) => {
      this.pending.set(page, { onSlice, resolve, reject });
      this.worker.postMessage(message);
    });
    const settled: Promise<unknown> = scored.then(
      () => this.inFlight.delete(settled),
      () => this.inFlight.delete(settled),
    );
    this.inFlight.add(settled);
    return scored;
  }

  /**
   * Stops the worker: no new pages are taken, and pages already sent (a shutdown's page in flight) may finish,
   * for `graceMs` at most, before the thread ends.
   */
  async close(graceMs = 5_000): Promise<void> {
    this.failure ??= new ClassificationThreadFailed('closed');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.inFlight),
      new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
    this.fail('closed');
    await this.worker.terminate();
  }

  private receive(message: WorkerReply): void {
    if (message.kind === 'ready') return;
    const pending = this.pending.get(message.page);
    if (!pending) return;
    if (message.kind === 'slice') {
      try {
        pending.onSlice(message);
      } catch (error) {
        // The page is lost to its caller; the worker's later slices for it are ignored.
        this.pending.delete(message.page);
        pending.reject(error instanceof Error ? error : new Error(String(error)));
      }
    } else {
      this.pending.delete(message.page);
      if (message.kind === 'done') pending.resolve(message.rows);
      // The worker's topics may be out of step with what was sent: send them again with the next page.
      else {
        this.sentFingerprint = undefined;
        pending.reject(new ClassificationThreadFailed(message.message));
      }
    }
  }

  private fail(reason: string): void {
    this.failure ??= new ClassificationThreadFailed(reason);
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
  }
}
