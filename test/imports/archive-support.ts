import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { ArchiveFormat, CsvMapping } from '../../src/sources/archives/archive-format.js';
import { DEFAULT_SOURCE } from '../../src/sources/archives/archive-format.js';
import type { RejectedLine } from '../../src/sources/archives/archive-importer.js';
import { ARCHIVE_IMPORTERS } from '../../src/sources/archives/archive-importers.js';
import { openArchive, type ReadCounters } from '../../src/sources/archives/archive-input.js';
import type { NormalisedPost } from '../../src/sources/normalised-post.js';

export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export function fixture(name: string): Buffer {
  return readFileSync(join(fixturesDir, name));
}

/** Feeds bytes to a reader in small chunks, so that records and multi-byte characters straddle chunk borders. */
export function chunked(data: Buffer, size = 7): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) chunks.push(data.subarray(i, i + size));
  return Readable.from(chunks, { objectMode: false });
}

export interface ReadResult {
  posts: NormalisedPost[];
  rejected: RejectedLine[];
  counters: ReadCounters;
}

/** Everything an importer makes of some bytes, without a database. */
export async function readArchive(
  format: ArchiveFormat,
  data: Buffer | string,
  options: { source?: string; mapping?: CsvMapping; chunkSize?: number } = {},
): Promise<ReadResult> {
  const counters: ReadCounters = { bytes: 0, lines: 0 };
  const input = await openArchive(chunked(Buffer.from(data), options.chunkSize), counters);
  const posts: NormalisedPost[] = [];
  const rejected: RejectedLine[] = [];
  const importer = ARCHIVE_IMPORTERS[format];
  for await (const item of importer.read(
    input,
    { source: options.source ?? DEFAULT_SOURCE[format], mapping: options.mapping },
    counters,
  )) {
    if ('post' in item) posts.push(item.post);
    else rejected.push(item.rejected);
  }
  return { posts, rejected, counters };
}

export function jsonl(...records: unknown[]): string {
  return records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
}
