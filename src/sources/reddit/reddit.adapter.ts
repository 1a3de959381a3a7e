import {
  baseUrlOption,
  chunkTerms,
  credentialKey,
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
import type { Clock } from '../http/clock.js';
import { normalisedPost, type NormalisedPost } from '../normalised-post.js';
import { engagement, ItemProblem, mapItems, optNum, optStr, record, str } from '../paging/item-mapper.js';
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
import { hashtagsIn, htmlToText, tidyText } from '../text/plain-text.js';

export interface RedditOptions {
  baseUrl?: string;
  authUrl?: string;
  clientId?: string;
  clientSecret?: string;
  userAgent?: string;
  subreddits?: string[];
}

interface Mark {
  name: string;
  created: number;
}

interface LaneState {
  /** The newest post of the last finished sweep: sweeps stop when they reach it. */
  newest?: Mark;
  sweep?: { after: string; top: Mark | null };
}

interface Token {
  value: string;
  expiresAt: number;
}

const PAGE = 100;
const MAX_QUERY = 512;
const DELETED = new Set(['[deleted]', '[removed]']);

const BASE_URL: AdapterOptionSpec = {
  name: 'baseUrl',
  type: 'url',
  required: false,
  secret: false,
  description: 'Reddit OAuth API base URL.',
  default: 'https://oauth.reddit.com',
  example: 'https://oauth.reddit.com',
};
const AUTH_URL: AdapterOptionSpec = {
  name: 'authUrl',
  type: 'url',
  required: false,
  secret: false,
  description: 'Token endpoint for the app-only (client credentials) grant.',
  default: 'https://www.reddit.com/api/v1/access_token',
  example: 'https://www.reddit.com/api/v1/access_token',
};
const CLIENT_ID: AdapterOptionSpec = {
  name: 'clientId',
  type: 'string',
  required: true,
  secret: false,
  description: 'Client id of a "script" app (reddit.com/prefs/apps), shown under the app name.',
};
const CLIENT_SECRET: AdapterOptionSpec = {
  name: 'clientSecret',
  type: 'string',
  required: true,
  secret: true,
  description: "The app's secret.",
};
const USER_AGENT: AdapterOptionSpec = {
  name: 'userAgent',
  type: 'string',
  required: true,
  secret: false,
  description: 'Reddit requires a descriptive User-Agent: <platform>:<app id>:<version> (by /u/<username>).',
  example: 'server:groundswell:1.0 (by /u/newsroom)',
};
const SUBREDDITS: AdapterOptionSpec = {
  name: 'subreddits',
  type: 'string[]',
  required: false,
  secret: false,
  description: 'Search only these subreddits (without r/); all of Reddit when left out.',
  example: ['unitedkingdom', 'nhs'],
};

/**
 * Reddit search, newest first, with an app-only OAuth token (cached until it expires). Title and body
 * are the text; `[deleted]` and `[removed]` posts are recognised and stored as deleted. A sweep follows
 * `after` until it reaches the newest post of the previous sweep.
 */
export class RedditAdapter implements SourceAdapter<RedditOptions> {
  readonly name = 'reddit';
  readonly description = 'Reddit search (all of Reddit or some subreddits), newest first, with a script app.';
  readonly optionSpecs = [BASE_URL, AUTH_URL, CLIENT_ID, CLIENT_SECRET, USER_AGENT, SUBREDDITS] as const;
  readonly supportsWindow = true;
  private readonly http: SourceHttpClient;
  private readonly tokens = new Map<string, Token>();
  private readonly clock: Clock;

  constructor(context: AdapterContext) {
    this.clock = context.clock;
    this.http = new SourceHttpClient(
      {
        name: 'reddit',
        readRateLimit: (h, _status, now) => {
          const resetIn = numberHeader(h['x-ratelimit-reset']);
          const remaining = numberHeader(h['x-ratelimit-remaining']);
          const used = numberHeader(h['x-ratelimit-used']);
          return {
            remaining: remaining !== undefined ? Math.floor(remaining) : undefined,
            limit: remaining !== undefined && used !== undefined ? Math.round(remaining + used) : undefined,
            // Reddit's reset is the number of seconds until the period ends, not a time.
            resetAt: resetIn !== undefined ? now + resetIn * 1000 : undefined,
            retryAfterMs: parseRetryAfter(h['retry-after'], now),
          };
        },
        describeError: redditError,
      },
      context.clock,
      context.retry,
    );
  }

  validateOptions(options: Record<string, unknown>): OptionProblem[] {
    const problems = [
      ...plainBaseUrlProblems(options, 'baseUrl'),
      ...plainBaseUrlProblems(options, 'authUrl'),
    ];
    const subs = options.subreddits;
    if (Array.isArray(subs)) {
      subs.forEach((s, i) => {
        if (typeof s === 'string' && !/^[A-Za-z0-9_]{2,21}$/.test(s.replace(/^\/?r\//, ''))) {
          problems.push({
            option: `subreddits.${i}`,
            message: 'must be a subreddit name such as unitedkingdom',
          });
        }
      });
    }
    return problems;
  }

  async health(options: RedditOptions, signal?: AbortSignal): Promise<HealthProbe> {
    await this.token(options, 10_000, signal);
    const subs = subreddits(options);
    return {
      ok: true,
      detail: `app token issued; searching ${subs.length ? subs.map((s) => `r/${s}`).join(', ') : 'all of Reddit'}`,
    };
  }

  async fetchPage(params: FetchPageParams<RedditOptions>): Promise<FetchPageResult> {
    const options = params.options;
    const base = baseUrlOption(options as Record<string, unknown>, BASE_URL);
    const terms = [
      ...params.query.hashtags.map((h) => h.toLowerCase()),
      ...params.query.keywords.map(quoted),
    ];
    const round = Round.open<LaneState>(
      params.cursor,
      chunkTerms(terms, (g) => g.join(' OR '), MAX_QUERY),
    );
    if (round.empty) return { posts: [], rejected: [], nextCursor: round.idle(), exhausted: true };
    const { key, state = {} } = round.current;
    const subs = subreddits(options);
    const path = subs.length ? `/r/${subs.join('+')}/search` : '/search';

    const search = async (token: string) =>
      this.http.request({
        url: `${base}${path}`,
        query: {
          q: key,
          sort: 'new',
          t: 'all',
          type: 'link',
          limit: PAGE,
          raw_json: 1,
          restrict_sr: subs.length ? 1 : undefined,
          after: state.sweep?.after,
        },
        headers: {
          Authorization: `bearer ${token}`,
          'User-Agent': stringOption(options as Record<string, unknown>, USER_AGENT),
        },
        timeoutMs: params.timeoutMs,
        signal: params.signal,
        accept: [401],
      });
    let res = await search(await this.token(options, params.timeoutMs, params.signal));
    if (res.status === 401) {
      // The token expired early or was revoked: one new token, then give up as an auth problem.
      this.tokens.delete(this.key(options));
      res = await search(await this.token(options, params.timeoutMs, params.signal));
      if (res.status === 401)
        throw new AdapterError('auth', `Reddit refused the app token: ${redditError(401, res.body)}`);
    }

    const where = `${base}${path}`;
    const listing = parseJson(res.body, where) as {
      kind?: unknown;
      data?: { children?: unknown; after?: unknown };
    };
    if (listing?.kind !== 'Listing' || !listing.data || !Array.isArray(listing.data.children)) {
      throw malformedPage(where, 'not a Listing with children', res.body);
    }
    const fetchedAt = new Date(this.clock.now());
    const children = listing.data.children as unknown[];
    let reachedKnown = false;
    let pastSince = false;
    const fresh: unknown[] = [];
    let pageTop: Mark | null = null;
    for (const child of children) {
      const mark = markOf(child);
      if (mark && !pageTop) pageTop = mark;
      if (mark && state.newest && (mark.name === state.newest.name || mark.created < state.newest.created)) {
        reachedKnown = true;
        break;
      }
      if (mark && params.since && mark.created * 1000 < params.since.getTime()) {
        pastSince = true;
        break;
      }
      if (mark && params.until && mark.created * 1000 >= params.until.getTime()) continue;
      fresh.push(child);
    }
    const mapped = mapItems(fresh, (c) => toPost(c, fetchedAt));
    const after = typeof listing.data.after === 'string' ? listing.data.after : undefined;
    const top = state.sweep ? state.sweep.top : pageTop;
    const laneDone = reachedKnown || pastSince || !after || children.length === 0;
    const next: LaneState = laneDone
      ? { newest: newer(state.newest, top) }
      : { newest: state.newest, sweep: { after: after, top } };
    return {
      posts: mapped.posts,
      rejected: mapped.rejected,
      ...round.advance(next, laneDone),
      rateLimit: res.rateLimit,
    };
  }

  private async token(options: RedditOptions, timeoutMs: number, signal?: AbortSignal): Promise<string> {
    const key = this.key(options);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > this.clock.now()) return cached.value;
    const o = options as Record<string, unknown>;
    const basic = Buffer.from(`${stringOption(o, CLIENT_ID)}:${stringOption(o, CLIENT_SECRET)}`).toString(
      'base64',
    );
    const res = await this.http.request({
      method: 'POST',
      url: baseUrlOption(o, AUTH_URL),
      headers: {
        Authorization: `Basic ${basic}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        'User-Agent': stringOption(o, USER_AGENT),
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
      timeoutMs,
      signal,
      accept: [400, 401, 403],
    });
    let body: { access_token?: unknown; expires_in?: unknown; error?: unknown } = {};
    try {
      body = JSON.parse(res.body) as typeof body;
    } catch {
      // handled below
    }
    if (res.status >= 300 || typeof body.access_token !== 'string') {
      const why = typeof body.error === 'string' ? body.error : `HTTP ${res.status}`;
      throw new AdapterError('auth', `Reddit refused the client id and secret (${why})`, undefined, {
        status: res.status,
      });
    }
    const lifetime = typeof body.expires_in === 'number' ? body.expires_in : 3600;
    // Renew a minute early so that a token never expires between two requests of one page.
    this.tokens.set(key, { value: body.access_token, expiresAt: this.clock.now() + (lifetime - 60) * 1000 });
    return body.access_token;
  }

  private key(options: RedditOptions): string {
    const o = options as Record<string, unknown>;
    return credentialKey(
      baseUrlOption(o, AUTH_URL),
      stringOption(o, CLIENT_ID),
      stringOption(o, CLIENT_SECRET),
    );
  }
}

function subreddits(options: RedditOptions): string[] {
  return (Array.isArray(options.subreddits) ? options.subreddits : []).map((s) => s.replace(/^\/?r\//, ''));
}

function markOf(child: unknown): Mark | null {
  const data = (child as { data?: { name?: unknown; created_utc?: unknown } } | null)?.data;
  if (typeof data?.name !== 'string' || typeof data.created_utc !== 'number') return null;
  return { name: data.name, created: data.created_utc };
}

function newer(a: Mark | undefined, b: Mark | null): Mark | undefined {
  if (!b) return a;
  if (!a) return b;
  return b.created >= a.created ? b : a;
}

function toPost(child: unknown, fetchedAt: Date): NormalisedPost {
  const c = record(child, 'child');
  if (c.kind !== 't3') throw new ItemProblem(`not a post (kind ${String(c.kind)})`);
  const d = record(c.data, 'data');
  const name = str(d, 'name');
  const title = typeof d.title === 'string' ? d.title : '';
  const selftext = typeof d.selftext === 'string' ? d.selftext : '';
  const removedBy = optStr(d, 'removed_by_category');
  const deleted = DELETED.has(selftext) || removedBy !== null;
  const body =
    typeof d.selftext_html === 'string' && !deleted
      ? htmlToText(d.selftext_html)
      : deleted
        ? ''
        : tidyText(selftext);
  // A deleted or removed post keeps only its title on Reddit; stored deleted posts keep no text at all.
  const text = deleted ? '' : tidyText([title, body].filter(Boolean).join('\n\n'));
  if (typeof d.created_utc !== 'number') throw new ItemProblem('missing or invalid date "created_utc"');
  const author = optStr(d, 'author');
  const permalink = optStr(d, 'permalink');
  return normalisedPost({
    source: 'reddit',
    externalId: name,
    url: permalink ? `https://www.reddit.com${permalink}` : optStr(d, 'url'),
    authorId: optStr(d, 'author_fullname'),
    authorHandle: author && author !== '[deleted]' ? author : null,
    text,
    lang: null,
    createdAt: new Date(d.created_utc * 1000),
    editedAt: typeof d.edited === 'number' ? new Date(d.edited * 1000) : null,
    deletedAt: deleted ? fetchedAt : null,
    isRepost: typeof d.crosspost_parent === 'string',
    repostOf: optStr(d, 'crosspost_parent'),
    hashtags: hashtagsIn(text),
    engagement: engagement({ score: optNum(d.score), replies: optNum(d.num_comments) }),
  });
}

function redditError(status: number, body: string): string {
  try {
    const e = JSON.parse(body) as { message?: unknown; error?: unknown; reason?: unknown };
    const parts = [e.message, e.reason].filter((x): x is string => typeof x === 'string');
    if (parts.length) return `HTTP ${status} ${parts.join(': ')}`;
  } catch {
    // not JSON
  }
  return `HTTP ${status}`;
}
