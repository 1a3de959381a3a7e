import { Readable } from 'node:stream';
import { stringify, type Stringifier } from 'csv-stringify';
import { CSV_CAST } from './csv-cells.js';

/** A classified post as the posts listing reads it (PostsRepository rows). */
export interface PostExportRow {
  id: string | number;
  source: string;
  url: string | null;
  author_handle: string | null;
  text: string;
  lang: string | null;
  created_at: Date;
  stance: string;
  stance_score: number;
  confidence: number;
  sentiment: number;
  sentiment_label: string;
  explanation: unknown;
  engagement_score?: number;
  hashtags: string[];
  is_repost: boolean;
  is_reply: boolean;
  is_quote: boolean;
}

export const POSTS_CSV_COLUMNS = [
  'id',
  'created_at',
  'source',
  'url',
  'author',
  'lang',
  'stance',
  'stance_score',
  'confidence',
  'sentiment',
  'sentiment_label',
  'engagement',
  'is_repost',
  'is_reply',
  'is_quote',
  'hashtags',
  'explanation',
  'text',
] as const;

interface ExplanationLike {
  text?: unknown;
  weight?: unknown;
  rule?: unknown;
  side?: unknown;
}

/** `#notfairnotsafe (+2.5 cue, support); hunt (-1.2 target-directed, oppose)`: the reasons in one cell. */
export function explanationCell(explanation: unknown): string {
  if (!Array.isArray(explanation)) return '';
  return (explanation as ExplanationLike[])
    .map((e) => {
      const weight =
        typeof e.weight === 'number' ? `${e.weight >= 0 ? '+' : ''}${Math.round(e.weight * 100) / 100}` : '';
      const detail = [weight, typeof e.rule === 'string' ? e.rule : ''].filter(Boolean).join(' ');
      const side = typeof e.side === 'string' ? `, ${e.side}` : '';
      return `${typeof e.text === 'string' ? e.text : ''} (${detail}${side})`;
    })
    .join('; ');
}

export function postCsvRecord(row: PostExportRow, formatTime: (date: Date) => string): unknown[] {
  return [
    Number(row.id),
    formatTime(row.created_at),
    row.source,
    row.url,
    row.author_handle,
    row.lang,
    row.stance,
    Number(row.stance_score),
    Number(row.confidence),
    Number(row.sentiment),
    row.sentiment_label,
    row.engagement_score === undefined ? null : Number(row.engagement_score),
    row.is_repost,
    row.is_reply,
    row.is_quote,
    row.hashtags.map((h) => `#${h}`).join(' '),
    explanationCell(row.explanation),
    row.text,
  ];
}

/**
 * Reads pages one after another, each asked for only when the previous one has been consumed: with a
 * keyset `after`, memory stays at one page whatever the number of posts.
 */
export async function* pagesOf<Row, After>(
  fetchPage: (after: After | null) => Promise<Row[]>,
  nextAfter: (last: Row) => After,
  pageSize: number,
): AsyncGenerator<Row[]> {
  let after: After | null = null;
  for (;;) {
    const rows = await fetchPage(after);
    if (rows.length) yield rows;
    if (rows.length < pageSize) return;
    after = nextAfter(rows[rows.length - 1]);
  }
}

/**
 * The CSV as a stream: a header line, then one record a post, pulled from `pages` only as fast as the
 * reader takes them (Readable.from respects backpressure; piping with `pipeline` stops reading when the
 * client goes away).
 */
export function postsCsvStream(
  pages: AsyncIterable<PostExportRow[]>,
  formatTime: (date: Date) => string,
): Stringifier {
  async function* records(): AsyncGenerator<unknown[]> {
    for await (const page of pages) for (const row of page) yield postCsvRecord(row, formatTime);
  }
  const csv = stringify({
    header: true,
    columns: [...POSTS_CSV_COLUMNS],
    cast: CSV_CAST,
    record_delimiter: 'windows',
  });
  Readable.from(records(), { objectMode: true, highWaterMark: 64 })
    .on('error', (error) => csv.destroy(error))
    .pipe(csv);
  return csv;
}
