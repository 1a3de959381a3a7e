import type { Readable } from 'node:stream';
import type { NormalisedPost } from '../normalised-post.js';
import { sourceNameProblem } from './archive-format.js';
import type { ArchiveImporter, ArchiveItem, ImporterOptions } from './archive-importer.js';
import type { ReadCounters } from './archive-input.js';
import { readJsonLines } from './json-lines.js';
import {
  buildPost,
  normaliseHandle,
  normaliseLang,
  optionalBoolean,
  optionalId,
  optionalString,
  optionalUrl,
  RecordProblem,
  requireDate,
  requireId,
} from './post-fields.js';

/**
 * The generic record shared by the JSONL and CSV formats: `id`, `text`, `created_at` required; `author`,
 * `author_id`, `url`, `lang`, `is_repost`, `repost_of`, `reply_to`, `quote_of`, `source` optional.
 */
export function genericPost(
  get: (field: string) => unknown,
  options: ImporterOptions,
  dateOptions: { epoch?: boolean } = {},
): NormalisedPost {
  const externalId = requireId('id', get('id'));
  const text = get('text');
  if (text === undefined || text === null || text === '') throw new RecordProblem('missing text');
  if (typeof text !== 'string') throw new RecordProblem('text must be a string');
  const createdAt = requireDate('created_at', get('created_at'), dateOptions);
  const ownSource = optionalString('source', get('source'), 40);
  if (ownSource !== null) {
    const problem = sourceNameProblem(ownSource);
    if (problem) throw new RecordProblem(`source ${problem}`);
  }
  const repostOf = optionalId('repost_of', get('repost_of'));
  const replyTo = optionalId('reply_to', get('reply_to'));
  const quoteOf = optionalId('quote_of', get('quote_of'));
  return buildPost({
    source: ownSource ?? options.source,
    externalId,
    text,
    createdAt,
    url: optionalUrl(get('url')),
    authorId: optionalId('author_id', get('author_id')),
    authorHandle: normaliseHandle(optionalString('author', get('author'), 200)),
    lang: normaliseLang(get('lang')),
    isRepost: optionalBoolean('is_repost', get('is_repost')) || repostOf !== null,
    repostOf,
    isReply: replyTo !== null,
    replyTo,
    isQuote: quoteOf !== null,
    quoteOf,
  });
}

export class JsonlImporter implements ArchiveImporter {
  readonly format = 'jsonl' as const;
  readonly description =
    'One JSON object per line: id, text, created_at (ISO-8601) required; author, author_id, url, lang, is_repost, repost_of, reply_to, quote_of, source optional.';
  readonly expected = 'JSON lines with "id", "text" and "created_at"';

  read(input: Readable, options: ImporterOptions, counters: ReadCounters): AsyncIterable<ArchiveItem> {
    return readJsonLines(input, counters, (value) => [{ post: genericPost((f) => value[f], options) }]);
  }
}
