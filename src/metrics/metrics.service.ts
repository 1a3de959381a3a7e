import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';

/**
 * Groundswell's Prometheus metrics. Each application has its own registry (no global state), so that
 * several apps in one process (tests) never register a metric twice.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly postsFetched: Counter<'source'>;
  readonly postsIngested: Counter<'source'>;
  readonly postsDuplicate: Counter<'source'>;
  readonly itemsRejected: Counter<'source'>;
  readonly runs: Counter<'adapter' | 'kind' | 'status'>;
  readonly runDuration: Histogram<'adapter' | 'kind' | 'status'>;
  readonly pages: Counter<'adapter'>;
  readonly rateLimitWaits: Counter<'adapter'>;
  readonly rateLimitWaitSeconds: Counter<'adapter'>;
  readonly adapterErrors: Counter<'adapter' | 'kind'>;
  readonly pagesClassified: Counter<'thread'>;

  constructor(@InjectDataSource() db: DataSource) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.postsFetched = new Counter({
      name: 'groundswell_posts_fetched_total',
      help: 'Posts handed to ingestion, by source (including duplicates).',
      labelNames: ['source'],
      registers,
    });
    this.postsIngested = new Counter({
      name: 'groundswell_posts_ingested_total',
      help: 'New posts stored, by source.',
      labelNames: ['source'],
      registers,
    });
    this.postsDuplicate = new Counter({
      name: 'groundswell_posts_duplicate_total',
      help: 'Posts fetched again that were already stored, by source.',
      labelNames: ['source'],
      registers,
    });
    this.itemsRejected = new Counter({
      name: 'groundswell_items_rejected_total',
      help: 'Items that could not be turned into posts, by source.',
      labelNames: ['source'],
      registers,
    });
    this.runs = new Counter({
      name: 'groundswell_collection_runs_total',
      help: 'Collection runs ended, by adapter, kind and outcome.',
      labelNames: ['adapter', 'kind', 'status'],
      registers,
    });
    this.runDuration = new Histogram({
      name: 'groundswell_collection_run_duration_seconds',
      help: 'Wall time of collection runs on this instance, by adapter, kind and outcome.',
      labelNames: ['adapter', 'kind', 'status'],
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
      registers,
    });
    this.pages = new Counter({
      name: 'groundswell_collection_pages_total',
      help: 'Pages fetched and committed, by adapter.',
      labelNames: ['adapter'],
      registers,
    });
    this.rateLimitWaits = new Counter({
      name: 'groundswell_rate_limit_waits_total',
      help: 'Times collection waited for a rate limit, by adapter.',
      labelNames: ['adapter'],
      registers,
    });
    this.rateLimitWaitSeconds = new Counter({
      name: 'groundswell_rate_limit_wait_seconds_total',
      help: 'Seconds spent waiting for rate limits, by adapter.',
      labelNames: ['adapter'],
      registers,
    });
    this.adapterErrors = new Counter({
      name: 'groundswell_adapter_errors_total',
      help: 'Errors raised by adapters, by adapter and kind (temporary, rate_limited, auth, malformed, gone, config).',
      labelNames: ['adapter', 'kind'],
      registers,
    });
    this.pagesClassified = new Counter({
      name: 'groundswell_pages_classified_total',
      help: 'Pages of new posts classified at ingestion, by thread: the classification thread (worker) or the main thread (main).',
      labelNames: ['thread'],
      registers,
    });
    new Gauge({
      name: 'groundswell_collection_queue_depth',
      help: 'Collection runs waiting (queued) or executing (running), across every instance.',
      labelNames: ['status'],
      registers,
      async collect() {
        const rows: { status: string; n: number }[] = await db.query(
          `SELECT s.status, count(r.id)::int AS n
             FROM (VALUES ('queued'), ('running')) AS s(status)
             LEFT JOIN collection_run r ON r.status = s.status AND r.kind IN ('scheduled', 'manual', 'backfill')
            GROUP BY s.status`,
        );
        for (const r of rows) this.set({ status: r.status }, r.n);
      },
    });
  }

  /** Adds one ingested page's counts for a source. */
  countIngested(
    source: string,
    c: { fetched: number; inserted: number; duplicates: number; rejected: number },
  ) {
    if (c.fetched) this.postsFetched.inc({ source }, c.fetched);
    if (c.inserted) this.postsIngested.inc({ source }, c.inserted);
    if (c.duplicates) this.postsDuplicate.inc({ source }, c.duplicates);
    if (c.rejected) this.itemsRejected.inc({ source }, c.rejected);
  }
}
