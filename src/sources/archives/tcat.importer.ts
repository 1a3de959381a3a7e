import type { Readable } from 'node:stream';
import type { ArchiveImporter, ArchiveItem, ImporterOptions } from './archive-importer.js';
import type { ReadCounters } from './archive-input.js';
import { dateFromEither, readCsv, requireExportColumns, type CsvRow } from './csv-reader.js';
import {
  buildPost,
  engagementOf,
  normaliseHandle,
  normaliseLang,
  optionalCount,
  optionalId,
  parseEpochSeconds,
  parseIsoDateTime,
  RecordProblem,
  requireId,
} from './post-fields.js';

const REQUIRED = ['id', 'text', 'from_user_name', 'created_at|time'];

/**
 * A DMI-TCAT "export tweets" file (CSV or TSV, UTF-8 with a byte-order mark): `id`, `time` (Unix seconds),
 * `created_at` (`YYYY-MM-DD HH:MM:SS`, UTC), `from_user_name`, `text`, `lang`, `to_user_name`,
 * `in_reply_to_status_id`, `quoted_status_id`, `from_user_id`, `retweet_count`, `favorite_count`, and, when
 * exported with them, `hashtags` ("; "-separated). TCAT stores retweets as "RT @user: …" text. TCAT has
 * already decoded HTML entities, so text is taken as it is.
 */
export class TcatImporter implements ArchiveImporter {
  readonly format = 'tcat' as const;
  readonly description =
    'DMI-TCAT tweet export (CSV or TSV): id, time/created_at, from_user_name, text; lang, in_reply_to_status_id, quoted_status_id, retweet_count, favorite_count, hashtags used when present.';
  readonly expected = 'a DMI-TCAT tweet export (columns id, time, created_at, from_user_name, text)';

  read(input: Readable, options: ImporterOptions, counters: ReadCounters): AsyncIterable<ArchiveItem> {
    return readCsv(
      input,
      counters,
      {
        checkHeader: requireExportColumns('DMI-TCAT', REQUIRED),
      },
      (row) => ({ post: tcatPost(row, options.source) }),
    );
  }
}

function tcatTime(row: CsvRow): Date {
  return dateFromEither(row, 'created_at', ['time', parseEpochSeconds], ['created_at', parseIsoDateTime]);
}

/** TCAT writes 0 or nothing for "none" in its id columns. */
function tcatRef(row: CsvRow, column: string): string | null {
  const id = optionalId(column, row.get(column));
  return id === null || id === '0' ? null : id;
}

function tcatPost(row: CsvRow, source: string) {
  const id = requireId('id', row.get('id'));
  const text = row.get('text') ?? '';
  if (text.trim() === '') throw new RecordProblem('missing text');
  const handle = normaliseHandle(row.get('from_user_name')?.trim() || null);
  const replyTo = tcatRef(row, 'in_reply_to_status_id');
  const quoteOf = tcatRef(row, 'quoted_status_id');
  const retweetOf = tcatRef(row, 'retweet_id');
  return buildPost({
    source,
    externalId: id,
    text,
    createdAt: tcatTime(row),
    url: `https://x.com/${handle ?? 'i/web'}/status/${id}`,
    authorId: tcatRef(row, 'from_user_id'),
    authorHandle: handle,
    lang: normaliseLang(row.get('lang')),
    isRepost: retweetOf !== null || /^RT @\w+:/.test(text.trim()),
    repostOf: retweetOf,
    isReply: replyTo !== null,
    replyTo,
    isQuote: quoteOf !== null,
    quoteOf,
    hashtags: (row.get('hashtags') ?? '').split(';'),
    engagement: engagementOf({
      reposts: optionalCount(row.get('retweet_count')),
      likes: optionalCount(row.get('favorite_count')),
    }),
  });
}
