import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FieldValidationError } from '../http/problem-details.js';
import { AdapterRegistry } from '../sources/adapter-registry.js';
import { TopicsService } from '../topics/topics.service.js';
import { CollectionWorker } from './collection-worker.service.js';
import type { RunSummary } from './run.dto.js';
import { RunQueue } from './run-queue.service.js';

/** The latest a backfill window may end, past now (clock differences between client and server). */
const FUTURE_SLACK_MS = 5 * 60 * 1000;
/** The longest backfill window: coverage is recorded per 15 minutes, so this bounds one run's rows. */
const MAX_WINDOW_DAYS = 5 * 366;

/** Collection on demand: a topic's sources collected now, or a past window backfilled. */
@Injectable()
export class CollectionService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly topics: TopicsService,
    private readonly adapters: AdapterRegistry,
    private readonly queue: RunQueue,
    private readonly worker: CollectionWorker,
  ) {}

  /** Queues a manual run for each enabled source of the topic (or returns the run already waiting). */
  async collect(slug: string): Promise<RunSummary[]> {
    const topic = await this.topics.find(slug);
    const runs = await this.queue.enqueueManual(topic.id, await this.enabledSources(topic.id));
    this.worker.wake();
    return runs;
  }

  /** Queues a backfill run over [from, to) for each enabled source whose adapter collects time windows. */
  async backfill(slug: string, fromText: string, toText: string): Promise<RunSummary[]> {
    const from = new Date(fromText);
    const to = new Date(toText);
    if (!(to.getTime() > from.getTime())) {
      throw new FieldValidationError([{ field: 'to', message: 'to must be later than from' }]);
    }
    if (to.getTime() > Date.now() + FUTURE_SLACK_MS) {
      throw new FieldValidationError([{ field: 'to', message: 'to must not be in the future' }]);
    }
    if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * 86_400_000) {
      throw new FieldValidationError([
        { field: 'from', message: `the window must be at most ${MAX_WINDOW_DAYS} days long` },
      ]);
    }
    const topic = await this.topics.find(slug);
    const sources = await this.enabledSources(topic.id);
    const windowed = sources.filter(
      (s) => this.adapters.has(s.adapter) && this.adapters.get(s.adapter).supportsWindow,
    );
    if (windowed.length === 0) {
      const names = [...new Set(sources.map((s) => s.adapter))];
      throw new BadRequestException(
        names.length === 0
          ? `Topic "${slug}" has no enabled sources to backfill.`
          : `None of topic "${slug}"'s enabled sources can collect a past time window (${names.join(', ')}).`,
      );
    }
    const runs = await this.queue.enqueueBackfill(topic.id, windowed, from, to);
    this.worker.wake();
    return runs;
  }

  private async enabledSources(topicId: number): Promise<{ id: number; adapter: string }[]> {
    const rows: { id: string; adapter: string }[] = await this.db.query(
      `SELECT id, adapter FROM topic_source WHERE topic_id = $1 AND enabled ORDER BY id`,
      [topicId],
    );
    return rows.map((r) => ({ id: Number(r.id), adapter: r.adapter }));
  }
}
