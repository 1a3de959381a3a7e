import type { Readable } from 'node:stream';
import { rejected, type ArchiveItem } from './archive-importer.js';
import type { ReadCounters } from './archive-input.js';
import { readLines } from './line-reader.js';
import { clip, RecordProblem } from './post-fields.js';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One JSON value per line: blank lines are skipped; invalid UTF-8 and broken JSON are rejected with their line
 * number; each parsed object goes to `map`, whose RecordProblems reject the line.
 */
export async function* readJsonLines(
  input: Readable,
  counters: ReadCounters,
  map: (value: JsonObject, line: number, text: string) => Iterable<ArchiveItem>,
): AsyncGenerator<ArchiveItem> {
  for await (const line of readLines(input, counters)) {
    if (line.text === undefined) {
      yield rejected(line.number, 'invalid UTF-8', line.shown());
      continue;
    }
    const text = line.text.charCodeAt(0) === 0xfeff ? line.text.slice(1) : line.text;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield rejected(line.number, `broken JSON: ${clip((error as Error).message, 200)}`, text);
      continue;
    }
    if (!isObject(value)) {
      yield rejected(line.number, 'expected a JSON object', text);
      continue;
    }
    try {
      yield* map(value, line.number, text);
    } catch (error) {
      if (!(error instanceof RecordProblem)) throw error;
      yield rejected(line.number, error.message, text);
    }
  }
}
