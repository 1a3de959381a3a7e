import type { Readable } from 'node:stream';
import type { ArchiveImporter, ArchiveItem, ImporterOptions } from './archive-importer.js';
import type { ReadCounters } from './archive-input.js';
import { dateFromEither, readCsv, requireExportColumns, type CsvRow } from './csv-reader.js';
import {
  buildPost,
  decodeEntities,
  engagementOf,
  normaliseHandle,
  normaliseLang,
  optionalBoolean,
  optionalCount,
  optionalId,
  optionalUrl,
  parseEpochSeconds,
  parseIsoDateTime,
  RecordProblem,
  requireId,
} from './post-fields.js';

/** Columns every 4CAT dataset export has (4CAT's own import format requires id, thread_id, author, body, timestamp). */
const REQUIRED = ['id', 'body', 'author', 'timestamp|unix_timestamp'];

/**
 * A 4CAT dataset exported as CSV. Every 4CAT data source writes `id`, `thread_id`, `timestamp`
 * (`YYYY-MM-DD HH:MM:SS`, UTC), `unix_timestamp`, `body` and `author`; the X/Twitter sources add `link`,
 * `author_id`, `language_guess`, `is_retweet`/`is_quote_tweet`/`is_reply` (yes/no), `hashtags` (comma-separated)
 * and `like_count`, `retweet_count`, `reply_count`, `quote_count`. Bodies of X posts keep the API's entities,
 * so they are decoded. `timestamp` wins over `unix_timestamp`, which 4CAT computes in its server's time zone.
 */
export class FourCatImporter implements ArchiveImporter {
  readonly format = '4cat' as const;
  readonly description =
    '4CAT dataset CSV export: id, body, author, timestamp (or unix_timestamp); X/Twitter columns (link, is_retweet, hashtags, like_count…) used when present.';
  readonly expected = 'a 4CAT CSV export (columns id, body, author, timestamp)';

  read(input: Readable, options: ImporterOptions, counters: ReadCounters): AsyncIterable<ArchiveItem> {
    return readCsv(
      input,
      counters,
      {
        checkHeader: requireExportColumns('4CAT', REQUIRED),
      },
      (row) => ({ post: fourCatPost(row, options.source) }),
    );
  }
}

function fourCatTime(row: CsvRow): Date {
  return dateFromEither(
    row,
    'timestamp',
    ['timestamp', parseIsoDateTime],
    ['unix_timestamp', parseEpochSeconds],
  );
}

function fourCatPost(row: CsvRow, source: string) {
  const body = row.get('body') ?? '';
  if (body.trim() === '') throw new RecordProblem('missing body');
  const yes = (column: string) => optionalBoolean(column, row.get(column));
  const isReply = yes('is_reply');
  return buildPost({
    source,
    externalId: requireId('id', row.get('id')),
    text: decodeEntities(body),
    createdAt: fourCatTime(row),
    url: optionalUrl(row.get('link')) ?? optionalUrl(row.get('url')),
    authorId: optionalId('author_id', row.get('author_id')),
    authorHandle: normaliseHandle(row.get('author')?.trim() || null),
    lang: normaliseLang(row.get('language_guess') ?? row.get('lang')),
    isRepost: yes('is_retweet'),
    isReply,
    // 4CAT keeps the conversation (thread) id, not the parent's, so a reply's target is not known.
    replyTo: null,
    isQuote: yes('is_quote_tweet'),
    hashtags: (row.get('hashtags') ?? '').split(','),
    engagement: engagementOf({
      likes: optionalCount(row.get('like_count')),
      reposts: optionalCount(row.get('retweet_count')),
      replies: optionalCount(row.get('reply_count')),
      quotes: optionalCount(row.get('quote_count')),
    }),
  });
}
