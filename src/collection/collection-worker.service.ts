import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { type ClaimedRun, RunQueue } from './run-queue.service.js';
import { RunInterrupted, type RunResult, SourceRunner } from './source-runner.service.js';

interface ActiveRun {
  controller: AbortController;
  done: Promise<RunResult | undefined>;
}

/** Sweeps for runs that should no longer wait once every this many polls. */
const SWEEP_EVERY = 10;

/**
 * Executes queued collection runs on this instance: claims them (at most COLLECTION_CONCURRENCY at once
 * across all instances), renews their leases while they execute, and on shutdown interrupts them between
 * pages and gives them back to the queue. Runs only where the scheduler is enabled, unless asked directly
 * (`runNow`, for the CLI).
 */
@Injectable()
export class CollectionWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Collection');
  /** Lease owner: the instance's name plus a per-process nonce, so a restarted process is a new owner. */
  readonly owner: string;
  private readonly active = new Map<number, ActiveRun>();
  private timer?: NodeJS.Timeout;
  private polling = false;
  private running = false;
  private stopping = false;
  private polls = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly queue: RunQueue,
    private readonly runner: SourceRunner,
  ) {
    this.owner = `${config.instanceId}/${randomBytes(4).toString('hex')}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.enableScheduler) await this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Starts polling the queue, after taking back the runs an earlier process of this instance left. */
  async start(): Promise<void> {
    if (this.running) return;
    const released = await this.queue.releaseStale(
      this.config.embedded ? null : `${this.config.instanceId}/`,
    );
    if (released) this.logger.log(`Requeued ${released} run(s) left running by an earlier process`);
    this.running = true;
    this.schedulePoll(0);
  }

  /** Looks for work now rather than at the next poll (after enqueueing). */
  wake(): void {
    if (this.running && !this.stopping) this.schedulePoll(0);
  }

  get activeRuns(): number[] {
    return [...this.active.keys()];
  }

  /**
   * Executes the given runs here and resolves when each has ended, wherever it executed (another instance's
   * worker may claim one first). Used by the CLI, whose context has no poller.
   */
  async runNow(runIds: readonly number[]): Promise<void> {
    const pending = new Set(runIds);
    while (pending.size > 0 && !this.stopping) {
      for (const id of pending) {
        if (this.active.has(id)) continue;
        const state = await this.queue.status(id);
        if (!state || !['queued', 'running'].includes(state.status)) {
          pending.delete(id);
          continue;
        }
        const run = await this.queue.claim(this.owner, id, this.activeRuns);
        if (run) this.launch(run);
      }
      if (pending.size === 0) break;
      await Promise.race([
        sleep(this.config.collection.pollMs),
        ...[...this.active.values()].map((a) => a.done),
      ]);
    }
    await Promise.allSettled([...this.active.values()].map((a) => a.done));
  }

  /** Stops claiming, interrupts every run between pages, waits for them to commit or release, then returns. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    const runs = [...this.active.values()];
    for (const run of runs) run.controller.abort(new RunInterrupted('shutdown'));
    await Promise.allSettled(runs.map((r) => r.done));
    if (runs.length) this.logger.log(`Released ${runs.length} run(s) for shutdown`);
  }

  private schedulePoll(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), delayMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopping) return;
    this.polling = true;
    try {
      if (this.polls++ % SWEEP_EVERY === 0) await this.queue.sweep();
      while (!this.stopping && this.active.size < this.config.collection.concurrency) {
        const run = await this.queue.claim(this.owner, undefined, this.activeRuns);
        if (!run) break;
        this.launch(run);
      }
    } catch (error) {
      this.logger.error(
        `Polling the run queue failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      this.polling = false;
      if (this.running && !this.stopping) this.schedulePoll(this.config.collection.pollMs);
    }
  }

  private launch(run: ClaimedRun): void {
    const controller = new AbortController();
    const beat = setInterval(
      () => void this.heartbeat(run.id, controller),
      Math.max(100, Math.floor(this.config.collection.leaseMs / 3)),
    );
    const done = this.runner
      .execute(run, this.owner, controller.signal)
      .catch((error: unknown) => {
        // The lease expires and another claimer continues from the last committed page.
        this.logger.error(
          `Run ${run.id} stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        return undefined;
      })
      .finally(() => {
        clearInterval(beat);
        this.active.delete(run.id);
        this.wake();
      });
    this.active.set(run.id, { controller, done });
  }

  private async heartbeat(runId: number, controller: AbortController): Promise<void> {
    try {
      const held = await this.queue.heartbeat(runId, this.owner);
      // A run that just ended no longer has a lease either: only a run still executing was taken over.
      if (!held && this.active.has(runId) && !controller.signal.aborted) {
        this.logger.warn(
          `Run ${runId} was taken over by another instance or lost its source; stopping it here`,
        );
        controller.abort(new RunInterrupted('lease-lost'));
      }
    } catch (error) {
      this.logger.warn(
        `Renewing the lease of run ${runId} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
