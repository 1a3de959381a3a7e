import type { INestApplicationContext } from '@nestjs/common';
import type { Command } from 'commander';
import { CollectionService } from '../../collection/collection.service.js';
import { CollectionWorker } from '../../collection/collection-worker.service.js';
import type { RunSummary, RunView } from '../../collection/run.dto.js';
import { RunsService } from '../../collection/runs.service.js';
import { FieldValidationError } from '../../http/problem-details.js';
import { service, withAppContext } from '../cli-context.js';
import type { RegisterCommand } from './index.js';

/** `collect <slug>`: every enabled source of a topic collected once, in this process, now. */
export const registerCollect: RegisterCommand = (program: Command) => {
  program
    .command('collect')
    .description("Collect a topic's enabled sources once, now, and wait for the runs to end")
    .argument('<slug>', 'the topic')
    .option('--json', 'print the runs as JSON')
    .action(async (slug: string, options: { json?: boolean }) => {
      process.exitCode = await withAppContext((app) =>
        executeRuns(app, (c) => c.collect(slug), options.json ?? false),
      );
    });
};

/** `backfill <slug> --from --to`: a past window from the sources that support one. */
export const registerBackfill: RegisterCommand = (program: Command) => {
  program
    .command('backfill')
    .description("Backfill a past time window from a topic's sources that support one, and wait for the runs")
    .argument('<slug>', 'the topic')
    .requiredOption('--from <date-time>', 'start of the window (ISO 8601, inclusive)')
    .requiredOption('--to <date-time>', 'end of the window (ISO 8601, exclusive)')
    .option('--json', 'print the runs as JSON')
    .action(async (slug: string, options: { from: string; to: string; json?: boolean }) => {
      for (const name of ['from', 'to'] as const) {
        if (Number.isNaN(Date.parse(options[name]))) {
          process.stderr.write(`--${name} must be an ISO 8601 date-time such as 2016-04-26T00:00:00Z\n`);
          process.exitCode = 2;
          return;
        }
      }
      process.exitCode = await withAppContext((app) =>
        executeRuns(app, (c) => c.backfill(slug, options.from, options.to), options.json ?? false),
      );
    });
};

/**
 * Queues the runs, executes them in this process (another instance's worker may take some first) and prints
 * how each ended. Exit code 1 when any run failed. Ctrl-C or SIGTERM gives the runs back to the queue.
 */
export async function executeRuns(
  app: INestApplicationContext,
  queue: (collection: CollectionService) => Promise<RunSummary[]>,
  json: boolean,
): Promise<number> {
  let started: RunSummary[];
  try {
    started = await queue(service(app, CollectionService));
  } catch (error) {
    if (error instanceof FieldValidationError) {
      process.stderr.write(`${error.errors.map((e) => `${e.field}: ${e.message}`).join('\n')}\n`);
      return 2;
    }
    throw error;
  }
  if (started.length === 0) {
    process.stderr.write('The topic has no enabled sources: nothing to collect.\n');
    return 0;
  }
  const worker = service(app, CollectionWorker);
  const interrupt = () => void worker.stop();
  process.once('SIGINT', interrupt).once('SIGTERM', interrupt);
  try {
    await worker.runNow(started.map((r) => r.id));
  } finally {
    process.off('SIGINT', interrupt).off('SIGTERM', interrupt);
  }
  const runs = service(app, RunsService);
  const views = await Promise.all(started.map((r) => runs.view(r.id)));
  process.stdout.write(json ? `${JSON.stringify(views, null, 2)}\n` : views.map(describe).join(''));
  return views.some((v) => v.status === 'failed') ? 1 : 0;
}

function describe(v: RunView): string {
  const counts = `fetched ${v.fetched}, new ${v.inserted}, duplicates ${v.duplicates}, rejected ${v.rejected}`;
  return `run ${v.id} ${v.adapter} (${v.kind}): ${v.status}; ${counts}${v.error ? `; ${v.error}` : ''}\n`;
}
