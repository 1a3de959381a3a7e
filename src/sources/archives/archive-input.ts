import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** What has been read so far; shared between the reader (which advances it) and the progress report. */
export interface ReadCounters {
  /** Bytes of the file as given (compressed bytes for a .gz file), for progress against its size. */
  bytes: number;
  /** Lines (or, for CSV, physical lines up to the last record) read. */
  lines: number;
}

/** The file is not what its format says; the import stops with this reason. */
export class ArchiveFormatError extends Error {}

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * The bytes of an archive, counted as they arrive and gunzipped when they start like a gzip file (so
 * `posts.jsonl.gz` and `Content-Encoding: gzip` bodies need no flag). Pull-based throughout: nothing is read
 * faster than the importer consumes it.
 */
export async function openArchive(
  source: AsyncIterable<Buffer | string>,
  counters: ReadCounters,
): Promise<Readable> {
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      counters.bytes += buf.length;
      yield buf;
    }
  }
  const { head, rest } = await peek(counted(), GZIP_MAGIC.length);
  if (head.length >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]) {
    const gunzip = createGunzip();
    pipeline(rest, gunzip, () => undefined);
    return gunzip;
  }
  return rest;
}

/**
 * Reads at least `minBytes` (or up to the first line break when `untilNewline`) and gives them back together
 * with a stream of the whole input, the peeked bytes included.
 */
export async function peek(
  input: AsyncIterable<Buffer>,
  minBytes: number,
  options: { untilNewline?: boolean; maxBytes?: number } = {},
): Promise<{ head: Buffer; rest: Readable }> {
  const it = input[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  const max = options.maxBytes ?? Infinity;
  for (;;) {
    const enough = options.untilNewline
      ? chunks.some((c) => c.includes(0x0a)) || size >= max
      : size >= minBytes;
    if (enough) break;
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    chunks.push(r.value);
    size += r.value.length;
  }
  const head = Buffer.concat(chunks);
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    while (!done) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { head, rest: Readable.from(all(), { objectMode: false }) };
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function stripBom(head: Buffer): Buffer {
  return head.subarray(0, 3).equals(UTF8_BOM) ? head.subarray(3) : head;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The text of some bytes, or undefined when they are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}
