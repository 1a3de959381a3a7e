import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { NotFoundException } from '@nestjs/common';
import { Presets, SingleBar } from 'cli-progress';
import { Option } from 'commander';
import { FieldValidationError } from '../../http/problem-details.js';
import { ARCHIVE_FORMATS } from '../../sources/archives/archive-format.js';
import {
  ImportService,
  type ImportProgress,
  type ImportResult,
} from '../../sources/archives/import.service.js';
import { service, withAppContext } from '../cli-context.js';
import type { RegisterCommand } from './index.js';

interface ImportOptions {
  topic: string;
  format: string;
  source?: string;
  map: string[];
  progress: boolean;
  showRejected: string;
}

const number = new Intl.NumberFormat('en-GB');

/**
 * `groundswell import --topic juniorcontract --format twarc posts.jsonl`: streams an archive into a topic with a
 * progress bar, then prints what was stored, skipped and rejected. Exit code 1 when the import failed.
 */
export const registerImport: RegisterCommand = (program) => {
  program
    .command('import')
    .description(
      'Import an archive file into a topic: streamed, bad lines reported and skipped, re-imports add nothing.',
    )
    .argument('<file>', 'the archive (a .gz file is read compressed; "-" reads standard input)')
    .requiredOption('-t, --topic <slug>', 'topic to import into, e.g. juniorcontract')
    .addOption(
      new Option('-f, --format <format>', 'archive format').choices(ARCHIVE_FORMATS).makeOptionMandatory(),
    )
    .option(
      '-s, --source <name>',
      'source name recorded on the posts (default: archive, x for twarc/tcat, 4cat)',
    )
    .option(
      '-m, --map <field:column,...>',
      'csv format: which column holds which field, e.g. text:body,created_at:posted_at (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('--no-progress', 'do not show the progress bar')
    .option('--show-rejected <n>', 'rejected lines to list in the summary', '10')
    .addHelpText(
      'after',
      `
Formats:
  jsonl   one JSON object per line: id, text, created_at (ISO-8601); author, url, lang, is_repost, source optional
  csv     CSV/TSV with a header; columns named like the jsonl fields, or mapped with --map
  twarc   X API v2 JSONL from twarc2 (one response per line, or flattened: one tweet per line)
  4cat    4CAT dataset CSV export
  tcat    DMI-TCAT tweet export (CSV or TSV)

Examples:
  npm run cli -- import --topic juniorcontract --format twarc posts.jsonl
  npm run cli -- import -t juniorcontract -f csv -m text:body -m created_at:date export.csv.gz`,
    )
    .action(async (file: string, options: ImportOptions) => {
      const fromStdin = file === '-';
      let size: number | null = null;
      if (!fromStdin) {
        try {
          size = statSync(file).size;
        } catch {
          throw new Error(`Cannot read ${file}: no such file`);
        }
      }
      await withAppContext(async (app) => {
        const imports = service(app, ImportService);
        const prepared = await imports
          .prepare({
            topic: options.topic,
            format: options.format,
            source: options.source,
            map: options.map,
            fileName: fromStdin ? null : basename(file),
            totalBytes: size,
          })
          .catch((error: unknown) => {
            throw new Error(describeRequestError(error));
          });
        const run = await imports.begin(prepared);
        const bar = options.progress ? progressBar(size) : undefined;
        bar?.start(size ?? 1, 0, { lines: '0', posts: '0', rate: '0' });
        const input = fromStdin ? process.stdin : createReadStream(file);
        const result = await imports.execute(run.id, prepared, input, {
          onProgress: (p) => bar?.update(Math.min(p.bytesRead, size ?? 1), barPayload(p)),
        });
        bar?.stop();
        const limit = Math.max(0, Number(options.showRejected) || 0);
        const rejected = limit > 0 ? await imports.rejectedLines(run.id, limit) : undefined;
        process.stdout.write(summary(file, result, rejected?.items ?? []));
        if (result.run.status === 'failed') process.exitCode = 1;
      });
    });
};

function progressBar(size: number | null): SingleBar {
  const format =
    size === null
      ? ' {lines} lines | {posts} posts | {rate} posts/s'
      : ' {bar} {percentage}% | {lines} lines | {posts} posts | {rate} posts/s | ETA {eta_formatted}';
  return new SingleBar({ format, hideCursor: true, etaBuffer: 50, fps: 5 }, Presets.shades_classic);
}

function barPayload(p: ImportProgress) {
  return {
    lines: number.format(p.linesRead),
    posts: number.format(p.postsRead),
    rate: number.format(p.postsPerSecond),
  };
}

function describeRequestError(error: unknown): string {
  if (error instanceof FieldValidationError) {
    return error.errors.map((e) => `--${e.field}: ${e.message}`).join('\n');
  }
  if (error instanceof NotFoundException) return error.message;
  return error instanceof Error ? error.message : String(error);
}

function summary(
  file: string,
  { run, progress }: ImportResult,
  rejected: { lineNumber: number | null; reason: string }[],
): string {
  const rows: [string, number][] = [
    ['lines read', progress.linesRead],
    ['posts read', progress.postsRead],
    ['new posts', run.inserted],
    ['already stored', run.duplicates],
    ['rejected lines', run.rejected],
  ];
  const width = Math.max(...rows.map(([, v]) => number.format(v).length));
  const lines = [
    `Import of ${file === '-' ? 'standard input' : file} into "${run.topic}" (run ${run.id}, ${run.adapter}, source "${progress.source}"): ${run.status}`,
    ...rows.map(([k, v]) => `  ${k.padEnd(16)}${number.format(v).padStart(width)}`),
    `  ${progress.elapsedSeconds} s, ${number.format(progress.postsPerSecond)} posts/s`,
  ];
  if (rejected.length) {
    const more =
      run.rejected > rejected.length ? `first ${rejected.length} of ${number.format(run.rejected)}; ` : '';
    lines.push(`Rejected lines (${more}all at GET /api/v1/runs/${run.id}/rejected):`);
    for (const r of rejected) lines.push(`  line ${r.lineNumber ?? '?'}: ${r.reason}`);
  }
  if (run.status === 'failed') lines.push(`Failed: ${run.error}`);
  else if (progress.note) lines.push(progress.note);
  return `${lines.join('\n')}\n`;
}
