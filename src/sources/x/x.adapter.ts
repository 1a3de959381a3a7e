import {
  baseUrlOption,
  chunkTerms,
  inWindow,
  plainBaseUrlProblems,
  quoted,
  stringOption,
} from '../adapter-support.js';
import {
  malformedPage,
  numberHeader,
  parseJson,
  parseRetryAfter,
  SourceHttpClient,
} from '../http/source-http-client.js';
import { normalisedPost, type NormalisedPost } from '../normalised-post.js';
import { date, engagement, mapItems, optNum, optStr, record, str } from '../paging/item-mapper.js';
import { Round } from '../paging/rounds.js';
import {
  AdapterError,
  type AdapterContext,
  type AdapterOptionSpec,
  type FetchPageParams,
  type FetchPageResult,
  type HealthProbe,
  type OptionProblem,
  type SourceAdapter,
} from '../source-adapter.js';
import { decodeEntities, hashtagsIn, uniqueTags } from '../text/plain-text.js';

export interface XOptions {
  baseUrl?: string;
  bearerToken?: string;
}

interface LaneState {
  /** Newest post id of the last finished sweep: the next sweep asks `since_id` it. */
  sinceId?: string;
  sweep?: { nextToken: string; top: string | null };
}

type Tweet = Record<string, unknown>;

const PAGE = 100;
const MAX_QUERY = 512;
const TWEET_FIELDS =
  'created_at,author_id,lang,conversation_id,in_reply_to_user_id,referenced_tweets,public_metrics,entities,edit_history_tweet_ids,note_tweet';

const BASE_URL: AdapterOptionSpec = {
  name: 'baseUrl',
  type: 'url',
  required: false,
  secret: false,
  description: 'X API base URL.',
  default: 'https://api.x.com',
  example: 'https://api.x.com',
};
const BEARER_TOKEN: AdapterOptionSpec = {
  name: 'bearerToken',
  type: 'string',
  required: true,
  secret: true,
  description: "The app's OAuth 2.0 bearer token (developer portal → your app → Keys and tokens).",
};

/**
 * X API v2 recent search (the last 7 days). The topic's hashtags and keywords become `#tag OR "phrase"`
 * queries; a sweep pages with `next_token` under one `since_id`, and the next sweep starts from the first
 * page's `newest_id`. Edited posts keep the id of their first version, so an edit updates the stored post.
 */
export class XAdapter implements SourceAdapter<XOptions> {
  readonly name = 'x';
  readonly description = 'X (Twitter) API v2 recent search by hashtag and keyword (needs a bearer token).';
  readonly optionSpecs = [BASE_URL, BEARER_TOKEN] as const;
  readonly supportsWindow = true;
  private readonly http: SourceHttpClient;

  constructor(context: AdapterContext) {
    this.http = new SourceHttpClient(
      {
        name: 'x',
        readRateLimit: (h, _status, now) => ({
          limit: numberHeader(h['x-rate-limit-limit']),
          remaining: numberHeader(h['x-rate-limit-remaining']),
          resetAt: secondsToMs(numberHeader(h['x-rate-limit-reset'])),
          retryAfterMs: parseRetryAfter(h['retry-after'], now),
        }),
        describeError: xError,
        classify: (status, body) =>
          status === 401 || status === 402 || status === 403
            ? new AdapterError('auth', `X refused the request: ${xError(status, body)}`, undefined, {
                status,
              })
            : undefined,
      },
      context.clock,
      context.retry,
    );
  }

  validateOptions(options: Record<string, unknown>): OptionProblem[] {
    return plainBaseUrlProblems(options, 'baseUrl');
  }

  async health(options: XOptions, signal?: AbortSignal): Promise<HealthProbe> {
    const base = baseUrlOption(options as Record<string, unknown>, BASE_URL);
    const res = await this.http.request({
      url: `${base}/2/usage/tweets`,
      headers: this.auth(options),
      timeoutMs: 10_000,
      signal,
    });
    const usage = (
      parseJson(res.body, `${base} usage`) as { data?: { project_usage?: unknown; project_cap?: unknown } }
    ).data;
    const used = typeof usage?.project_usage === 'number' ? usage.project_usage : undefined;
    const cap = typeof usage?.project_cap === 'number' ? usage.project_cap : undefined;
    return {
      ok: true,
      detail: `bearer token accepted${used !== undefined ? `; ${String(used)} of ${String(cap)} posts read this period` : ''}`,
    };
  }

  async fetchPage(params: FetchPageParams<XOptions>): Promise<FetchPageResult> {
    const base = baseUrlOption(params.options as Record<string, unknown>, BASE_URL);
    const round = Round.open<LaneState>(
      params.cursor,
      queries(params.query.hashtags, params.query.keywords, params.query.languages),
    );
    if (round.empty) return { posts: [], rejected: [], nextCursor: round.idle(), exhausted: true };
    const { key, state = {} } = round.current;
    const windowed = params.since !== undefined || params.until !== undefined;

    const res = await this.http.request({
      url: `${base}/2/tweets/search/recent`,
      query: {
        query: key,
        max_results: PAGE,
        'tweet.fields': TWEET_FIELDS,
        expansions: 'author_id,referenced_tweets.id,edit_history_tweet_ids',
        'user.fields': 'username,name',
        // `since_id` and `start_time` exclude each other: a backfill window wins.
        since_id: windowed ? undefined : state.sinceId,
        start_time: params.since?.toISOString(),
        end_time: params.until?.toISOString(),
        next_token: state.sweep?.nextToken,
      },
      headers: this.auth(params.options),
      timeoutMs: params.timeoutMs,
      signal: params.signal,
    });
    const where = `${base} recent search`;
    const body = parseJson(res.body, where) as {
      data?: unknown;
      includes?: { users?: unknown; tweets?: unknown };
      meta?: { newest_id?: unknown; next_token?: unknown };
    };
    if (!body || typeof body !== 'object' || !body.meta || typeof body.meta !== 'object') {
      throw malformedPage(where, 'no "meta" object', res.body);
    }
    if (body.data !== undefined && !Array.isArray(body.data))
      throw malformedPage(where, '"data" is not an array', res.body);
    const users = new Map<string, string>();
    for (const u of Array.isArray(body.includes?.users) ? (body.includes.users as Tweet[]) : []) {
      if (typeof u?.id === 'string' && typeof u.username === 'string') users.set(u.id, u.username);
    }
    const included = new Map<string, Tweet>();
    for (const t of Array.isArray(body.includes?.tweets) ? (body.includes.tweets as Tweet[]) : []) {
      if (typeof t?.id === 'string') included.set(t.id, t);
    }
    const mapped = mapItems((body.data ?? []) as unknown[], (t) => toPost(t, users, included));
    const posts = mapped.posts.filter((p) => inWindow(p.createdAt, params.since, params.until));

    const newest = typeof body.meta.newest_id === 'string' ? body.meta.newest_id : null;
    const nextToken = typeof body.meta.next_token === 'string' ? body.meta.next_token : undefined;
    const top = state.sweep ? state.sweep.top : newest;
    const next: LaneState = nextToken
      ? { sinceId: state.sinceId, sweep: { nextToken, top } }
      : { sinceId: windowed ? state.sinceId : (top ?? state.sinceId) };
    return { posts, rejected: mapped.rejected, ...round.advance(next, !nextToken), rateLimit: res.rateLimit };
  }

  private auth(options: XOptions): Record<string, string> {
    return { Authorization: `Bearer ${stringOption(options as Record<string, unknown>, BEARER_TOKEN)}` };
  }
}

/** `(#a OR #b OR "a phrase") (lang:en)`, split when longer than X's 512 characters. */
function queries(
  hashtags: readonly string[],
  keywords: readonly string[],
  languages: readonly string[],
): string[] {
  const terms = [...uniqueTags(hashtags).map((t) => `#${t}`), ...keywords.map(quoted)];
  const langs = languages.length ? ` (${languages.map((l) => `lang:${l}`).join(' OR ')})` : '';
  return chunkTerms(terms, (g) => `(${g.join(' OR ')})${langs}`, MAX_QUERY);
}

function toPost(raw: unknown, users: Map<string, string>, included: Map<string, Tweet>): NormalisedPost {
  const t = record(raw, 'post');
  const id = str(t, 'id');
  const history = Array.isArray(t.edit_history_tweet_ids)
    ? t.edit_history_tweet_ids.filter((x): x is string => typeof x === 'string')
    : [];
  const firstId = history[0] ?? id;
  const edited = history.length > 1;
  const refs = Array.isArray(t.referenced_tweets)
    ? (t.referenced_tweets as { type?: string; id?: string }[])
    : [];
  const ref = (type: string) => refs.find((r) => r?.type === type)?.id ?? null;
  const repostOf = ref('retweeted');
  // A retweet's own text is truncated ("RT @user: …"); the original's is whole when it was expanded.
  const shown = (repostOf && included.get(repostOf)) || t;
  const text = decodeEntities(fullText(shown));
  const authorId = optStr(t, 'author_id');
  const username = authorId ? (users.get(authorId) ?? null) : null;
  const current = date(t.created_at, 'created_at');
  const original = edited ? included.get(firstId) : undefined;
  const metrics = (t.public_metrics ?? {}) as Record<string, unknown>;
  const lang = optStr(t, 'lang');
  return normalisedPost({
    source: 'x',
    externalId: firstId,
    url: `https://x.com/${username ?? 'i'}/status/${firstId}`,
    authorId,
    authorHandle: username,
    text,
    lang: lang && lang !== 'und' && lang !== 'zxx' ? lang : null,
    createdAt: original?.created_at ? date(original.created_at, 'created_at') : current,
    editedAt: edited ? current : null,
    isRepost: repostOf !== null,
    repostOf,
    isReply: ref('replied_to') !== null,
    replyTo: ref('replied_to'),
    isQuote: ref('quoted') !== null,
    quoteOf: ref('quoted'),
    hashtags: uniqueTags([...entityTags(shown), ...hashtagsIn(text)]),
    engagement: engagement({
      likes: optNum(metrics.like_count),
      reposts: optNum(metrics.retweet_count),
      replies: optNum(metrics.reply_count),
      quotes: optNum(metrics.quote_count),
    }),
  });
}

/** Long posts carry their whole text in `note_tweet`. */
function fullText(t: Tweet): string {
  const note = t.note_tweet as { text?: unknown } | undefined;
  if (typeof note?.text === 'string') return note.text;
  return str(t, 'text');
}

function entityTags(t: Tweet): string[] {
  const lists = [
    (t.entities as { hashtags?: unknown } | undefined)?.hashtags,
    ((t.note_tweet as { entities?: { hashtags?: unknown } } | undefined)?.entities ?? {}).hashtags,
  ];
  return lists.flatMap((l) =>
    Array.isArray(l)
      ? l.map((h) => (h as { tag?: unknown })?.tag).filter((x): x is string => typeof x === 'string')
      : [],
  );
}

function secondsToMs(s: number | undefined): number | undefined {
  return s === undefined ? undefined : s * 1000;
}

/** X answers problem details (`{title, detail, type}`) or, for some 429s, the v1.1 `{errors:[{code, message}]}`. */
function xError(status: number, body: string): string {
  try {
    const e = JSON.parse(body) as {
      title?: unknown;
      detail?: unknown;
      errors?: { code?: unknown; message?: unknown }[];
    };
    if (typeof e.title === 'string')
      return `HTTP ${status} ${e.title}${typeof e.detail === 'string' ? `: ${e.detail}` : ''}`;
    const first = Array.isArray(e.errors) ? e.errors[0] : undefined;
    if (first && typeof first.message === 'string') {
      return `HTTP ${status} ${first.message}${typeof first.code === 'number' ? ` (code ${first.code})` : ''}`;
    }
  } catch {
    // not JSON
  }
  return `HTTP ${status}`;
}
