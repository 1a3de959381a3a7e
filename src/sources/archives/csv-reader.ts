import { Readable, pipeline } from 'node:stream';
import { parse, type CsvError, type Info } from 'csv-parse';
import { rejected, type ArchiveItem } from './archive-importer.js';
import { ArchiveFormatError, decodeUtf8, peek, stripBom, type ReadCounters } from './archive-input.js';
import { checkPlausible, clip, RecordProblem } from './post-fields.js';

export interface CsvRow {
  line: number;
  /** The cell of a column (by header name), or undefined when the file has no such column. */
  get(column: string): string | undefined;
}

export interface CsvReadOptions {
  /** Checks the header (trimmed column names); returns why the file is not this format, or undefined. */
  checkHeader(columns: readonly string[]): string | undefined;
}

const MAX_RECORD_BYTES = 16 * 1024 * 1024;
const MAX_SKIPPED_IN_A_ROW = 1000;

/**
 * Rows of a CSV or TSV file (delimiter sniffed from the header line: comma, tab or semicolon), parsed by
 * csv-parse as a stream. Parsing is done on latin1 text, one character per byte, so that each cell's bytes can
 * then be checked as UTF-8; a row with invalid bytes or the wrong number of cells is rejected with its line
 * number and reading goes on. `map` turns a row into items; its RecordProblems reject the row.
 */
export async function* readCsv(
  input: Readable,
  counters: ReadCounters,
  options: CsvReadOptions,
  map: (row: CsvRow) => ArchiveItem,
): AsyncGenerator<ArchiveItem> {
  const { head, rest } = await peek(input, 0, { untilNewline: true, maxBytes: 1024 * 1024 });
  const delimiter = sniffDelimiter(stripBom(head));
  const skipped: { line: number; reason: string; raw: string }[] = [];
  let skippedInARow = 0;
  const parser = parse({
    encoding: 'latin1',
    bom: false,
    delimiter,
    info: true,
    raw: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    // A stray quote inside an unquoted cell is kept as a character. Real exports quote such cells; without this,
    // a file that is not CSV at all makes the parser report (and re-copy) every quote it meets.
    relax_quotes: true,
    max_record_size: MAX_RECORD_BYTES,
    on_skip: (error: CsvError | undefined, raw: string | undefined) => {
      if (++skippedInARow > MAX_SKIPPED_IN_A_ROW) {
        parser.destroy(
          new ArchiveFormatError(`${MAX_SKIPPED_IN_A_ROW} rows in a row could not be read as CSV`),
        );
        return undefined;
      }
      skipped.push({
        line: typeof error?.lines === 'number' ? error.lines : counters.lines + 1,
        reason: clip(error?.message ?? 'unreadable row', 300),
        raw: shown((raw ?? '').slice(0, 4096)),
      });
      return undefined;
    },
  });
  let first = true;
  async function* withoutBom(): AsyncGenerator<Buffer> {
    for await (const chunk of rest as AsyncIterable<Buffer>) {
      yield first ? stripBom(chunk) : chunk;
      first = false;
    }
  }
  pipeline(Readable.from(withoutBom(), { objectMode: false }), parser, () => undefined);

  let header: string[] | undefined;
  let index = new Map<string, number>();
  try {
    for await (const { record, info, raw } of parser as AsyncIterable<{
      record: string[];
      info: Info;
      raw: string;
    }>) {
      counters.lines = info.lines;
      skippedInARow = 0;
      const line = info.lines - countNewlines(raw.replace(/[\r\n]+$/, ''));
      // The parser runs ahead of this loop: report skipped rows in file order.
      while (skipped.length && skipped[0].line < line) {
        const s = skipped.shift()!;
        yield rejected(s.line, s.reason, s.raw);
      }
      const cells = record.map((cell) => decodeUtf8(Buffer.from(cell, 'latin1')));
      if (!header) {
        if (cells.some((c) => c === undefined))
          throw new ArchiveFormatError('the header line is not valid UTF-8');
        header = cells.map((c) => c!.trim());
        const problem = options.checkHeader(header);
        if (problem) throw new ArchiveFormatError(problem);
        index = new Map(header.map((name, i) => [name, i] as const).reverse());
        continue;
      }
      if (cells.some((c) => c === undefined)) {
        yield rejected(line, 'invalid UTF-8', shown(raw));
        continue;
      }
      const row: CsvRow = {
        line,
        get: (column) => {
          const i = index.get(column);
          return i === undefined ? undefined : cells[i];
        },
      };
      try {
        yield map(row);
      } catch (error) {
        if (!(error instanceof RecordProblem)) throw error;
        yield rejected(line, error.message, shown(raw));
      }
    }
    while (skipped.length) {
      const s = skipped.shift()!;
      yield rejected(s.line, s.reason, s.raw);
    }
  } finally {
    parser.destroy();
  }
}

function shown(latin1: string): string {
  return Buffer.from(latin1.replace(/^[\r\n]+|[\r\n]+$/g, ''), 'latin1').toString('utf8');
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The delimiter of the header line: the most frequent of comma, tab and semicolon outside quotes. */
export function sniffDelimiter(head: Buffer): string {
  const end = head.indexOf(0x0a);
  const line = head.subarray(0, end < 0 ? head.length : end).toString('latin1');
  const counts = new Map<string, number>([
    [',', 0],
    ['\t', 0],
    [';', 0],
  ]);
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

/** Problem text for a header that lacks required columns (`a|b` means either a or b). */
export function missingColumns(columns: readonly string[], required: readonly string[]): string[] {
  const have = new Set(columns);
  return required.filter((r) => !r.split('|').some((alt) => have.has(alt)));
}

/** A header check for a tool's export: names every required column it lacks (`a|b` reads "a" or "b"). */
export function requireExportColumns(
  tool: string,
  required: readonly string[],
): (header: readonly string[]) => string | undefined {
  return (header) => {
    const missing = missingColumns(header, required);
    return missing.length
      ? `not a ${tool} export: no column ${missing.map((c) => `"${c.replace('|', '" or "')}"`).join(', ')}`
      : undefined;
  };
}

/**
 * A post's time from whichever of two columns holds one (`first` is tried first). `named` is the column the
 * problem messages name and the one whose value they quote first.
 */
export function dateFromEither(
  row: CsvRow,
  named: string,
  first: [column: string, parse: (value: string) => Date | undefined],
  second: [column: string, parse: (value: string) => Date | undefined],
): Date {
  const a = row.get(first[0])?.trim();
  const b = row.get(second[0])?.trim();
  if (!a && !b) throw new RecordProblem(`missing ${named}`);
  const date = (a ? first[1](a) : undefined) ?? (b ? second[1](b) : undefined);
  if (!date) {
    const shown = named === first[0] ? a || b : b || a;
    throw new RecordProblem(`${named} "${shown}" is not a date`);
  }
  checkPlausible(named, date);
  return date;
}
