/** The archive formats Groundswell reads, by the name used in `?format=` and `--format`. */
export const ARCHIVE_FORMATS = ['jsonl', 'csv', 'twarc', '4cat', 'tcat'] as const;
export type ArchiveFormat = (typeof ARCHIVE_FORMATS)[number];

export function isArchiveFormat(value: unknown): value is ArchiveFormat {
  return typeof value === 'string' && (ARCHIVE_FORMATS as readonly string[]).includes(value);
}

/** Source names: what `post.source` records for posts of an import unless the file or the caller says otherwise. */
export const DEFAULT_SOURCE: Record<ArchiveFormat, string> = {
  jsonl: 'archive',
  csv: 'archive',
  // Tweet ids are global: an X archive shares the `x` source with the X adapter, so the same tweet is one post.
  twarc: 'x',
  tcat: 'x',
  '4cat': '4cat',
};

/** Reserved for the bundled sample, so that sample data can always be told apart from real data. */
export const SAMPLE_SOURCE = 'sample';

export const SOURCE_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,39}$/;

/** Why a source name cannot be used for an import, or undefined when it can. */
export function sourceNameProblem(name: string): string | undefined {
  if (!SOURCE_NAME_PATTERN.test(name)) {
    return 'must be 1–40 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit';
  }
  if (name === SAMPLE_SOURCE) return `"${SAMPLE_SOURCE}" is reserved for the bundled sample`;
  return undefined;
}

/** Fields of the generic formats (JSONL keys, and what a CSV mapping maps columns to). */
export const GENERIC_FIELDS = [
  'id',
  'text',
  'created_at',
  'author',
  'author_id',
  'url',
  'lang',
  'is_repost',
  'repost_of',
  'reply_to',
  'quote_of',
  'source',
] as const;
export type GenericField = (typeof GENERIC_FIELDS)[number];
export const REQUIRED_GENERIC_FIELDS: readonly GenericField[] = ['id', 'text', 'created_at'];

/** For the generic CSV format: which column holds each field (fields left out are read from a same-named column). */
export type CsvMapping = Partial<Record<GenericField, string>>;

/**
 * Parses `text:body,created_at:posted` (or several such values) into a mapping; returns the problems instead
 * when there are any.
 */
export function parseCsvMapping(values: readonly string[]): { mapping: CsvMapping } | { problems: string[] } {
  const mapping: CsvMapping = {};
  const problems: string[] = [];
  for (const value of values) {
    for (const pair of value.split(',')) {
      if (pair.trim() === '') continue;
      const at = pair.indexOf(':');
      const field = (at < 0 ? '' : pair.slice(0, at)).trim();
      const column = (at < 0 ? '' : pair.slice(at + 1)).trim();
      if (!field || !column) {
        problems.push(`"${pair}" is not field:column`);
      } else if (!(GENERIC_FIELDS as readonly string[]).includes(field)) {
        problems.push(`unknown field "${field}"; fields: ${GENERIC_FIELDS.join(', ')}`);
      } else {
        mapping[field as GenericField] = column;
      }
    }
  }
  return problems.length ? { problems } : { mapping };
}
