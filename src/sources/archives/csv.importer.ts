import type { Readable } from 'node:stream';
import { GENERIC_FIELDS, REQUIRED_GENERIC_FIELDS, type CsvMapping } from './archive-format.js';
import type { ArchiveImporter, ArchiveItem, ImporterOptions } from './archive-importer.js';
import type { ReadCounters } from './archive-input.js';
import { missingColumns, readCsv } from './csv-reader.js';
import { genericPost } from './jsonl.importer.js';

/** The column each field is read from: the mapping's, else the column named like the field. */
export function columnsFor(mapping: CsvMapping = {}): Record<string, string> {
  return Object.fromEntries(GENERIC_FIELDS.map((f) => [f, mapping[f] ?? f]));
}

/**
 * Any CSV (or TSV) with one post per row: the generic fields are read from same-named columns unless a mapping
 * names other columns (`text:body,created_at:posted_at`). Dates may be ISO-8601 or Unix seconds.
 */
export class CsvImporter implements ArchiveImporter {
  readonly format = 'csv' as const;
  readonly description =
    'CSV or TSV with a header row: columns id, text, created_at (or mapped with map=field:column,…); optional columns as for JSONL.';
  readonly expected = 'a CSV file with a header row';

  read(input: Readable, options: ImporterOptions, counters: ReadCounters): AsyncIterable<ArchiveItem> {
    const columns = columnsFor(options.mapping);
    const required = REQUIRED_GENERIC_FIELDS.map((f) => columns[f]);
    return readCsv(
      input,
      counters,
      {
        checkHeader: (header) => {
          const missing = missingColumns(header, required);
          if (missing.length === 0) return undefined;
          const mappedMissing = REQUIRED_GENERIC_FIELDS.filter((f) => missing.includes(columns[f]));
          return (
            `the CSV has no column ${missing.map((c) => `"${c}"`).join(', ')} ` +
            `(for ${mappedMissing.join(', ')}); its columns are ${header.map((c) => `"${c}"`).join(', ')}. ` +
            'Map columns with map=field:column, e.g. map=text:body,created_at:posted_at'
          );
        },
      },
      (row) => ({ post: genericPost((field) => row.get(columns[field]), options, { epoch: true }) }),
    );
  }
}
