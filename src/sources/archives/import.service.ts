import { Injectable, Logger, NotFoundException, type BeforeApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { performance } from 'node:perf_hooks';
import { PassThrough, type Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { IngestionService, type RejectedInput } from '../../collection/ingestion.service.js';
import type { RunView } from '../../collection/run.dto.js';
import { RunsService } from '../../collection/runs.service.js';
import { FieldValidationError, type FieldError } from '../../http/problem-details.js';
import { TopicsService } from '../../topics/topics.service.js';
import type { NormalisedPost } from '../normalised-post.js';
import {
  DEFAULT_SOURCE,
  isArchiveFormat,
  parseCsvMapping,
  sourceNameProblem,
  type ArchiveFormat,
  type CsvMapping,
} from './archive-format.js';
import type { ArchiveImporter, RejectedLine } from './archive-importer.js';
import type { RejectedPage } from './import.dto.js';
import { ARCHIVE_IMPORTERS } from './archive-importers.js';
import { ArchiveFormatError, openArchive, type ReadCounters } from './archive-input.js';
import { clip } from './post-fields.js';

/** Posts stored per transaction: large enough to amortise a round trip, small enough to keep memory flat. */
export const IMPORT_BATCH_SIZE = 1000;
/** When this many records in a row from the start of a file are all bad, the file is not of its format. */
export const FORMAT_CHECK_WINDOW = 1000;
/** Raw text is kept for this many rejected lines per run (reasons and line numbers for all of them). */
const RAW_KEPT_PER_RUN = 1000;
const RAW_KEPT_CHARS = 2000;

export interface ImportRequest {
  /** Topic slug. */
  topic: string;
  format: string;
  /** Source name for posts whose record does not name one; defaults by format. */
  source?: string;
  /** Generic CSV only: `field:column` pairs. */
  map?: readonly string[];
  fileName?: string | null;
  /** Size of the file or body, when known: progress and ETA are measured against it. */
  totalBytes?: number | null;
}

/** An import request checked against the topics and formats, ready to run. */
export interface PreparedImport {
  topicId: number;
  topic: string;
  format: ArchiveFormat;
  source: string;
  mapping?: CsvMapping;
  fileName: string | null;
  totalBytes: number | null;
  /** The bundled sample (source `sample`); only the first-start loader sets it. */
  sample: boolean;
}

/** What `progress` on an import run holds; also handed to the command line's progress bar. */
export interface ImportProgress {
  format: ArchiveFormat;
  source: string;
  fileName: string | null;
  linesRead: number;
  bytesRead: number;
  totalBytes: number | null;
  /** Share of totalBytes read, 0–100, when the size is known. */
  percent: number | null;
  postsRead: number;
  rejectedLines: number;
  postsPerSecond: number;
  elapsedSeconds: number;
  /** Set when the run ends: what happened, in a sentence. */
  note?: string;
}

export interface ImportResult {
  run: RunView;
  progress: ImportProgress;
}

export interface ExecuteOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
}

class ImportAborted extends Error {}

/**
 * Streams an archive through its importer into the ingestion core, one transaction per batch, under a run of
 * kind `import`. Memory stays flat whatever the file's size: one batch and one parser buffer at a time, and
 * reading waits while a batch is stored.
 *
 * What a failure leaves: every batch committed before it stays (its posts, classifications, rollups and the
 * run's counters were written in one transaction each), nothing of the batch in flight does, and the run is
 * marked failed with the reason. Importing the file again stores only what is missing: stored posts are
 * recognised by (source, external id) and counted as duplicates, never twice.
 */
@Injectable()
export class ImportService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Imports');
  private readonly active = new Map<number, { abort: AbortController; done: Promise<unknown> }>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly runs: RunsService,
    private readonly ingestion: IngestionService,
    private readonly topics: TopicsService,
  ) {}

  /** Checks a request (400 naming the parameter, 404 for an unknown topic) before any byte is read. */
  async prepare(request: ImportRequest): Promise<PreparedImport> {
    const errors: FieldError[] = [];
    if (!isArchiveFormat(request.format)) {
      errors.push({
        field: 'format',
        message: `unknown format "${request.format}"; formats: ${Object.keys(ARCHIVE_IMPORTERS).join(', ')}`,
      });
    }
    if (request.source !== undefined) {
      const problem = sourceNameProblem(request.source);
      if (problem) errors.push({ field: 'source', message: problem });
    }
    let mapping: CsvMapping | undefined;
    if (request.map?.length) {
      if (request.format !== 'csv') {
        errors.push({ field: 'map', message: 'a column mapping applies to format=csv only' });
      } else {
        const parsed = parseCsvMapping(request.map);
        if ('problems' in parsed)
          errors.push(...parsed.problems.map((message) => ({ field: 'map', message })));
        else mapping = parsed.mapping;
      }
    }
    if (errors.length) throw new FieldValidationError(errors);
    const format = request.format as ArchiveFormat;
    const topic = await this.topics.find(request.topic);
    return {
      topicId: topic.id,
      topic: topic.slug,
      format,
      source: request.source ?? DEFAULT_SOURCE[format],
      mapping,
      fileName: request.fileName ?? null,
      totalBytes: request.totalBytes ?? null,
      sample: false,
    };
  }

  /** Creates the run (status running) that an import reports into. */
  async begin(p: PreparedImport): Promise<RunView> {
    const run = await this.runs.create({
      topicId: p.topicId,
      adapter: `import:${p.format}`,
      kind: 'import',
      status: 'running',
      params: {
        format: p.format,
        source: p.source,
        fileName: p.fileName,
        totalBytes: p.totalBytes,
        ...(p.mapping ? { mapping: p.mapping } : {}),
        ...(p.sample ? { sample: true } : {}),
      },
    });
    await this.runs.start(run.id);
    return this.runs.view(run.id);
  }

  /**
   * Runs an import to its end and returns the finished run. Import failures (a file not of its format, a
   * broken stream, a database error) end the run as failed with the reason; they are not thrown.
   */
  async execute(
    runId: number,
    p: PreparedImport,
    input: AsyncIterable<Buffer | string>,
    options: ExecuteOptions = {},
  ): Promise<ImportResult> {
    const importer = ARCHIVE_IMPORTERS[p.format];
    const counters: ReadCounters = { bytes: 0, lines: 0 };
    const started = performance.now();
    const tally = { posts: 0, rejected: 0, rawKept: 0 };
    let firstRejected: RejectedLine | undefined;
    let posts: NormalisedPost[] = [];
    let bad: RejectedInput[] = [];
    let confirmed = false;
    let note: string | undefined;

    const progress = (withNote?: string): ImportProgress => {
      const elapsed = (performance.now() - started) / 1000;
      return {
        format: p.format,
        source: p.source,
        fileName: p.fileName,
        linesRead: counters.lines,
        bytesRead: counters.bytes,
        totalBytes: p.totalBytes,
        percent: p.totalBytes ? Math.min(100, Math.round((counters.bytes / p.totalBytes) * 1000) / 10) : null,
        postsRead: tally.posts,
        rejectedLines: tally.rejected,
        postsPerSecond: elapsed > 0 ? Math.round(tally.posts / elapsed) : 0,
        elapsedSeconds: Math.round(elapsed * 10) / 10,
        ...(withNote ? { note: withNote } : {}),
      };
    };
    const flush = async () => {
      await this.ingestion.ingest({
        posts,
        rejected: bad,
        originTopicId: p.topicId,
        runId,
        progress: { ...progress() },
      });
      posts = [];
      bad = [];
      options.onProgress?.(progress());
    };

    try {
      const archive = await openArchive(input, counters);
      for await (const item of importer.read(archive, { source: p.source, mapping: p.mapping }, counters)) {
        if (options.signal?.aborted) throw new ImportAborted('the server shut down during the import');
        if ('post' in item) {
          posts.push(item.post);
          tally.posts++;
          confirmed = true;
        } else {
          const r = item.rejected;
          firstRejected ??= r;
          tally.rejected++;
          bad.push({
            lineNumber: r.line,
            reason: r.reason,
            raw: tally.rawKept++ < RAW_KEPT_PER_RUN ? clip(r.raw, RAW_KEPT_CHARS) : null,
            source: p.source,
          });
          if (!confirmed && tally.rejected >= FORMAT_CHECK_WINDOW) {
            throw new ArchiveFormatError(notThisFormat(importer, tally.rejected, firstRejected));
          }
        }
        if (confirmed && (posts.length >= IMPORT_BATCH_SIZE || bad.length >= IMPORT_BATCH_SIZE))
          await flush();
      }
      if (!confirmed && tally.rejected > 0) {
        throw new ArchiveFormatError(notThisFormat(importer, tally.rejected, firstRejected));
      }
      await flush();
      note = endNote(counters, tally);
      await this.setProgress(runId, progress(note));
      await this.runs.finish(runId, tally.rejected > 0 ? 'partial' : 'succeeded');
    } catch (error) {
      const reason = failureReason(error, p, counters, confirmed);
      note = reason;
      if (
        !(error instanceof ArchiveFormatError) &&
        !(error instanceof ImportAborted) &&
        !isInterrupted(error)
      ) {
        this.logger.error(`Import run ${runId} failed: ${(error as Error)?.stack ?? String(error)}`);
      }
      await this.setProgress(runId, progress(reason)).catch(() => undefined);
      await this.runs.finish(runId, 'failed', reason).catch((e: unknown) => {
        this.logger.error(`Could not mark import run ${runId} failed: ${String(e)}`);
      });
    }
    const final = progress(note);
    options.onProgress?.(final);
    return { run: await this.runs.view(runId), progress: final };
  }

  /**
   * Runs an import of a stream that others may wait for (`settled`) and that application shutdown aborts
   * (the run is then marked failed). When the import stops before the end of its input (a file not of its
   * format), the rest of the input is read and discarded, so that an HTTP client can finish its upload and get
   * its answer.
   */
  async executeTracked(runId: number, p: PreparedImport, input: Readable): Promise<ImportResult> {
    // The import reads a pipe, not the input itself, so that the input can still be drained when it stops early.
    const body = new PassThrough();
    // Kept for good: a destroyed request may still emit its error after the import has ended.
    input.on('error', (error: Error) => body.destroy(error));
    input.pipe(body);
    const abort = new AbortController();
    const onAbort = () => input.destroy(new ImportAborted('the server shut down during the import'));
    abort.signal.addEventListener('abort', onAbort);
    const done = this.execute(runId, p, body, { signal: abort.signal }).then(async (result) => {
      input.unpipe(body);
      body.destroy();
      await discardRest(input);
      return result;
    });
    this.active.set(runId, { abort, done });
    try {
      return await done;
    } finally {
      abort.signal.removeEventListener('abort', onAbort);
      this.active.delete(runId);
    }
  }

  /** Waits for a tracked import to end (tests use it). */
  async settled(runId: number): Promise<void> {
    await this.active.get(runId)?.done.catch(() => undefined);
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const { abort } of this.active.values()) abort.abort();
    await Promise.allSettled([...this.active.values()].map((a) => a.done));
  }

  /** A run's rejected lines in file order, paged by id; 404 for an unknown run. */
  async rejectedLines(runId: number, limit: number, cursor = 0): Promise<RejectedPage> {
    const [run] = await this.db.query<{ rejected: number }[]>(
      `SELECT rejected FROM collection_run WHERE id = $1`,
      [runId],
    );
    if (!run) throw new NotFoundException(`No run with id ${runId}.`);
    const rows = await this.db.query<
      {
        id: string;
        line_number: number | null;
        reason: string;
        raw: string | null;
        source: string;
        created_at: Date;
      }[]
    >(
      `SELECT id, line_number, reason, raw, source, created_at FROM rejected_item
        WHERE run_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [runId, cursor, limit + 1],
    );
    const items = rows.slice(0, limit).map((r) => ({
      id: Number(r.id),
      lineNumber: r.line_number,
      reason: r.reason,
      raw: r.raw,
      source: r.source,
      createdAt: new Date(r.created_at).toISOString(),
    }));
    return {
      items,
      total: run.rejected,
      nextCursor: rows.length > limit ? String(items[items.length - 1].id) : null,
    };
  }

  private async setProgress(runId: number, progress: ImportProgress): Promise<void> {
    await this.db.query(`UPDATE collection_run SET progress = progress || $2::jsonb WHERE id = $1`, [
      runId,
      JSON.stringify(progress),
    ]);
  }
}

async function discardRest(input: Readable): Promise<void> {
  if (input.destroyed || input.readableEnded) return;
  await new Promise<void>((resolve) => {
    input
      .once('end', resolve)
      .once('close', resolve)
      .once('error', () => resolve());
    input.resume();
  });
}

function notThisFormat(importer: ArchiveImporter, count: number, first: RejectedLine | undefined): string {
  const example = first ? ` (line ${first.line}: ${first.reason})` : '';
  const records = count === 1 ? 'its only record' : `none of its first ${count} records`;
  return `This file does not look like ${importer.format} (${importer.expected}): ${records} could be read${example}.`;
}

function endNote(counters: ReadCounters, tally: { posts: number; rejected: number }): string {
  if (counters.bytes === 0) return 'The file is empty: there was nothing to import.';
  if (tally.posts === 0 && tally.rejected === 0) return 'The file has no records: nothing was imported.';
  if (tally.rejected > 0) {
    return `Imported with ${tally.rejected} rejected line${tally.rejected === 1 ? '' : 's'}; see the run's rejected lines.`;
  }
  return 'Imported every record.';
}

function isInterrupted(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  return e?.code === 'ECONNRESET' || e?.code === 'ERR_STREAM_PREMATURE_CLOSE' || e?.message === 'aborted';
}

function failureReason(error: unknown, p: PreparedImport, counters: ReadCounters, stored: boolean): string {
  const after = stored
    ? 'Batches stored before the failure stay stored and counted on this run; importing the file again skips their posts as duplicates.'
    : 'Nothing was stored.';
  if (error instanceof ArchiveFormatError) {
    if (error.message.startsWith('This file')) return error.message;
    return `Not a ${p.format} file: ${error.message}. ${after}`;
  }
  if (error instanceof ImportAborted) return `The import stopped: ${error.message}. ${after}`;
  if (isInterrupted(error)) {
    return `The upload was interrupted after ${counters.bytes} bytes (line ${counters.lines}). ${after}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (
    (error as { code?: string })?.code === 'Z_DATA_ERROR' ||
    /incorrect header check|unexpected end of file/.test(message)
  ) {
    return `The file looks gzip-compressed but is damaged (${message}). ${after}`;
  }
  return `The import failed at line ${counters.lines}: ${clip(message, 300)}. ${after}`;
}
