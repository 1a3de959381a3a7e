import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { ArchiveFormatError, decodeUtf8, type ReadCounters } from './archive-input.js';

export interface ArchiveLine {
  number: number;
  /** The line's text, or undefined when its bytes are not valid UTF-8. */
  text: string | undefined;
  /** The line as best it can be shown (invalid bytes replaced), for the rejected-lines report. */
  shown(): string;
}

/** Longer than any real JSONL record; a file without line breaks is not JSONL and must not fill memory. */
export const MAX_LINE_BYTES = 32 * 1024 * 1024;

/**
 * Lines of a stream, split by Node's readline, each decoded strictly as UTF-8 so that a line with invalid bytes
 * is reported as such instead of being silently altered. readline reads latin1 (one character per byte), so
 * every line keeps its exact bytes; line breaks never occur inside multi-byte UTF-8 sequences.
 */
export async function* readLines(input: Readable, counters: ReadCounters): AsyncGenerator<ArchiveLine> {
  const guarded = Readable.from(limitLineLength(input, counters), { objectMode: false });
  guarded.setEncoding('latin1');
  const lines = createInterface({ input: guarded, crlfDelay: Infinity });
  try {
    for await (const latin1 of lines) {
      counters.lines++;
      const bytes = Buffer.from(latin1, 'latin1');
      yield { number: counters.lines, text: decodeUtf8(bytes), shown: () => bytes.toString('utf8') };
    }
  } finally {
    lines.close();
    guarded.destroy();
  }
}

async function* limitLineLength(
  input: AsyncIterable<Buffer>,
  counters: ReadCounters,
): AsyncGenerator<Buffer> {
  let sinceBreak = 0;
  let lineNumber = counters.lines + 1;
  for await (const chunk of input) {
    let from = 0;
    for (let at = chunk.indexOf(0x0a); at >= 0; at = chunk.indexOf(0x0a, at + 1)) {
      sinceBreak = 0;
      from = at + 1;
      lineNumber++;
    }
    sinceBreak += chunk.length - from;
    if (sinceBreak > MAX_LINE_BYTES) {
      throw new ArchiveFormatError(
        `line ${lineNumber} is longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB: this is not a file of one record per line`,
      );
    }
    yield chunk;
  }
}
