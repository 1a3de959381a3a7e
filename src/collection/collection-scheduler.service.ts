import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { CronJob, CronTime } from 'cron';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { CollectionWorker } from './collection-worker.service.js';
import { RunQueue } from './run-queue.service.js';

interface TopicSchedule {
  id: number;
  slug: string;
  schedule: string;
  timezone: string;
}

/** A tick may fire a little late; the slot is the latest scheduled time up to this much after now. */
const SLOT_TOLERANCE_MS = 500;
const SLOT_LOOKBACK_MS = 60_000;

/**
 * The schedule slot a tick at `now` belongs to: the latest time the cron expression names, up to now. Every
 * instance computes the same slot for the same tick, so the slot key makes their enqueues one.
 */
export function scheduleSlot(expression: string, timezone: string, now = new Date()): Date {
  const time = new CronTime(expression, timezone);
  const limit = now.getTime() + SLOT_TOLERANCE_MS;
  let slot = time.getNextDateFrom(new Date(now.getTime() - SLOT_LOOKBACK_MS), timezone).toJSDate();
  // Not near any scheduled time (a tick delayed by more than the lookback): a slot of its own.
  if (slot.getTime() > limit) return new Date(Math.floor(now.getTime() / 1000) * 1000);
  for (;;) {
    const next = time.getNextDateFrom(slot, timezone).toJSDate();
    if (next.getTime() > limit) return slot;
    slot = next;
  }
}

/**
 * One cron job per active topic (`@nestjs/schedule`'s SchedulerRegistry), kept in step with the topics table
 * every COLLECTION_POLL_MS: a new schedule, a pause or a deletion — made on any instance — takes effect
 * without a restart. A tick only enqueues runs; the workers execute them.
 */
@Injectable()
export class CollectionScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Scheduler');
  private readonly jobs = new Map<number, { name: string; schedule: string; timezone: string }>();
  private syncTimer?: NodeJS.Timeout;
  private syncing = false;

  constructor(
    private readonly registry: SchedulerRegistry,
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly queue: RunQueue,
    private readonly worker: CollectionWorker,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.enableScheduler) return;
    await this.sync();
    this.syncTimer = setInterval(() => void this.sync(), this.config.collection.pollMs);
    this.syncTimer.unref();
  }

  beforeApplicationShutdown(): void {
    if (this.syncTimer) clearInterval(this.syncTimer);
    for (const { name } of this.jobs.values()) {
      if (this.registry.doesExist('cron', name)) this.registry.deleteCronJob(name);
    }
    this.jobs.clear();
  }

  /** The cron expression each topic is scheduled with on this instance, by topic id. */
  scheduled(): Map<number, string> {
    return new Map([...this.jobs].map(([id, j]) => [id, j.schedule]));
  }

  /** Makes the cron jobs match the active topics. */
  async sync(): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    try {
      const rows: (TopicSchedule & { id: string })[] = await this.db.query(
        `SELECT id, slug, schedule, timezone FROM topic WHERE NOT paused ORDER BY id`,
      );
      const wanted = new Map(rows.map((r) => [Number(r.id), { ...r, id: Number(r.id) }]));
      for (const [id, job] of this.jobs) {
        const topic = wanted.get(id);
        if (!topic || topic.schedule !== job.schedule || topic.timezone !== job.timezone) {
          if (this.registry.doesExist('cron', job.name)) this.registry.deleteCronJob(job.name);
          this.jobs.delete(id);
        }
      }
      for (const topic of wanted.values()) if (!this.jobs.has(topic.id)) this.add(topic);
    } catch (error) {
      this.logger.error(
        `Reading topic schedules failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      this.syncing = false;
    }
  }

  private add(topic: TopicSchedule): void {
    const name = `collect:${topic.id}`;
    let job: CronJob;
    try {
      job = CronJob.from({
        cronTime: topic.schedule,
        timeZone: topic.timezone,
        onTick: () => void this.tick(topic),
        start: false,
        name,
      });
    } catch (error) {
      this.logger.warn(`Topic ${topic.slug} has an unusable schedule "${topic.schedule}": ${String(error)}`);
      // Remembered without a job so that the warning is not repeated at every sync.
      this.jobs.set(topic.id, { name, schedule: topic.schedule, timezone: topic.timezone });
      return;
    }
    this.registry.addCronJob(name, job);
    job.start();
    this.jobs.set(topic.id, { name, schedule: topic.schedule, timezone: topic.timezone });
  }

  /** Enqueues the topic's runs for the slot this tick belongs to. */
  async tick(topic: TopicSchedule, now = new Date()): Promise<number[]> {
    try {
      const ids = await this.queue.enqueueScheduled(
        topic.id,
        scheduleSlot(topic.schedule, topic.timezone, now),
      );
      if (ids.length) this.worker.wake();
      return ids;
    } catch (error) {
      this.logger.error(
        `Enqueueing ${topic.slug}'s runs failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return [];
    }
  }
}
