import type { Readable } from 'node:stream';
import type { NormalisedPost } from '../normalised-post.js';
import {
  rejected,
  type ArchiveImporter,
  type ArchiveItem,
  type ImporterOptions,
} from './archive-importer.js';
import type { ReadCounters } from './archive-input.js';
import { isObject, readJsonLines, type JsonObject } from './json-lines.js';
import {
  buildPost,
  decodeEntities,
  engagementOf,
  normaliseLang,
  optionalCount,
  RecordProblem,
  requireDate,
  requireId,
} from './post-fields.js';

interface Lookups {
  user(id: unknown): JsonObject | undefined;
  tweet(id: unknown): JsonObject | undefined;
}

const NO_LOOKUPS: Lookups = { user: () => undefined, tweet: () => undefined };

/**
 * X API v2 JSON as twarc2 writes it, in both of its forms: one API response per line (`data` with `includes`,
 * from `twarc2 search`), or one tweet per line with its expansions inlined (`twarc2 flatten`). Retweets, quotes
 * and replies come from `referenced_tweets`; a retweet's truncated text is completed from the retweeted tweet
 * when the file has it. Text is entity-decoded (the API writes `&amp;`, `&lt;`, `&gt;`).
 */
export class TwarcImporter implements ArchiveImporter {
  readonly format = 'twarc' as const;
  readonly description =
    'X API v2 / twarc2 JSONL: one response per line ({"data": [...], "includes": {...}}) or one flattened tweet per line.';
  readonly expected = 'X API v2 responses ("data" and "includes") or tweets ("id", "text"), one per line';

  read(input: Readable, options: ImporterOptions, counters: ReadCounters): AsyncIterable<ArchiveItem> {
    return readJsonLines(input, counters, (value, line) => this.mapLine(value, line, options));
  }

  private *mapLine(value: JsonObject, line: number, options: ImporterOptions): Iterable<ArchiveItem> {
    if ('data' in value) {
      const tweets = Array.isArray(value.data) ? value.data : [value.data];
      const lookups = responseLookups(value.includes);
      for (const tweet of tweets) yield mapOne(tweet, line, options, lookups);
      return;
    }
    if ('id' in value && 'text' in value) {
      yield mapOne(value, line, options, NO_LOOKUPS);
      return;
    }
    // A page with no results (only meta or errors) is part of a normal archive.
    if ('meta' in value || 'errors' in value) return;
    throw new RecordProblem('neither an X API v2 response ("data") nor a tweet ("id", "text")');
  }
}

function mapOne(tweet: unknown, line: number, options: ImporterOptions, lookups: Lookups): ArchiveItem {
  try {
    if (!isObject(tweet)) throw new RecordProblem('a tweet in "data" is not an object');
    return { post: tweetToPost(tweet, options.source, lookups) };
  } catch (error) {
    if (!(error instanceof RecordProblem)) throw error;
    return rejected(line, error.message, JSON.stringify(tweet) ?? '');
  }
}

function responseLookups(includes: unknown): Lookups {
  if (!isObject(includes)) return NO_LOOKUPS;
  const index = (list: unknown) => {
    const map = new Map<string, JsonObject>();
    if (Array.isArray(list)) {
      for (const o of list) {
        const id = isObject(o) ? idOf(o.id) : undefined;
        if (id !== undefined) map.set(id, o as JsonObject);
      }
    }
    return map;
  };
  const users = index(includes.users);
  const tweets = index(includes.tweets);
  return {
    user: (id) => users.get(idOf(id) ?? ''),
    tweet: (id) => tweets.get(idOf(id) ?? ''),
  };
}

/** Ids are strings in API v2; numbers are tolerated. */
function idOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  return typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : undefined;
}

function authorOf(tweet: JsonObject, lookups: Lookups): JsonObject | undefined {
  return isObject(tweet.author) ? tweet.author : lookups.user(tweet.author_id);
}

function usernameOf(user: JsonObject | undefined): string | null {
  return user && typeof user.username === 'string' && user.username ? user.username : null;
}

function fullText(tweet: JsonObject): string | undefined {
  const note = isObject(tweet.note_tweet) ? tweet.note_tweet.text : undefined;
  const text = typeof note === 'string' && note ? note : tweet.text;
  return typeof text === 'string' ? decodeEntities(text) : undefined;
}

function tagsOf(tweet: JsonObject | undefined): string[] {
  const entities = tweet && isObject(tweet.entities) ? tweet.entities : undefined;
  if (!entities || !Array.isArray(entities.hashtags)) return [];
  return entities.hashtags
    .map((h) => (isObject(h) && typeof h.tag === 'string' ? h.tag : ''))
    .filter((t) => t !== '');
}

function tweetToPost(tweet: JsonObject, source: string, lookups: Lookups): NormalisedPost {
  const id = requireId('id', tweet.id);
  let text = fullText(tweet);
  if (text === undefined) throw new RecordProblem('missing text');
  if (tweet.created_at === undefined) {
    throw new RecordProblem('missing created_at (collect with tweet.fields=created_at)');
  }
  const createdAt = requireDate('created_at', tweet.created_at);
  const author = authorOf(tweet, lookups);
  const username = usernameOf(author);

  let repostOf: string | null = null;
  let replyTo: string | null = null;
  let quoteOf: string | null = null;
  const hashtags = tagsOf(tweet);
  const refs = Array.isArray(tweet.referenced_tweets) ? tweet.referenced_tweets : [];
  for (const ref of refs) {
    const refId = isObject(ref) ? idOf(ref.id) : undefined;
    if (!isObject(ref) || refId === undefined) continue;
    if (ref.type === 'retweeted') {
      repostOf = refId;
      // The API truncates a retweet's text; the stance is in the original, so read that when the file has it.
      const original = 'text' in ref ? ref : lookups.tweet(refId);
      const originalText = original ? fullText(original) : undefined;
      if (original && originalText) {
        const by: string | undefined =
          usernameOf(authorOf(original, lookups)) ?? /^RT @(\w+):/.exec(text)?.[1];
        text = by ? `RT @${by}: ${originalText}` : originalText;
        hashtags.push(...tagsOf(original));
      }
    } else if (ref.type === 'replied_to') {
      replyTo = refId;
    } else if (ref.type === 'quoted') {
      quoteOf = refId;
    }
  }
  const metrics = isObject(tweet.public_metrics) ? tweet.public_metrics : {};
  return buildPost({
    source,
    externalId: id,
    text,
    createdAt,
    url: `https://x.com/${username ?? 'i/web'}/status/${id}`,
    authorId: idOf(tweet.author_id) ?? null,
    authorHandle: username,
    lang: normaliseLang(tweet.lang),
    isRepost: repostOf !== null,
    repostOf,
    isReply: replyTo !== null,
    replyTo,
    isQuote: quoteOf !== null,
    quoteOf,
    hashtags,
    engagement: engagementOf({
      likes: optionalCount(metrics.like_count),
      reposts: optionalCount(metrics.retweet_count),
      replies: optionalCount(metrics.reply_count),
      quotes: optionalCount(metrics.quote_count),
    }),
  });
}
