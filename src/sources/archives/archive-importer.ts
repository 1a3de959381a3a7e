import type { Readable } from 'node:stream';
import type { NormalisedPost } from '../normalised-post.js';
import type { ReadCounters } from './archive-input.js';
import type { ArchiveFormat, CsvMapping } from './archive-format.js';

/** A line (or row) that could not be imported, with where it was and why. */
export interface RejectedLine {
  line: number;
  reason: string;
  raw: string;
}

/** What an importer yields: a post, or a line it had to reject. A line may hold several posts (twarc pages). */
export type ArchiveItem = { post: NormalisedPost } | { rejected: RejectedLine };

export interface ImporterOptions {
  /** Source name for posts whose line does not name one. */
  source: string;
  /** Generic CSV only: which column holds which field. */
  mapping?: CsvMapping;
}

/**
 * Reads one archive format as a stream and maps each record to normalised posts. An importer throws
 * ArchiveFormatError when the file is plainly not its format (e.g. a CSV without the columns it needs);
 * a bad record is yielded as rejected and reading goes on.
 */
export interface ArchiveImporter {
  readonly format: ArchiveFormat;
  readonly description: string;
  /** What a file of this format is, for "this does not look like …" messages. */
  readonly expected: string;
  read(input: Readable, options: ImporterOptions, counters: ReadCounters): AsyncIterable<ArchiveItem>;
}

export function rejected(line: number, reason: string, raw: string): ArchiveItem {
  return { rejected: { line, reason, raw } };
}
