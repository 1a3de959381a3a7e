import { baseUrlOption, credentialKey, plainBaseUrlProblems, stringOption } from '../adapter-support.js';
import type { SourceBudgets } from '../budget/source-budgets.js';
import { malformedPage, parseJson, SourceHttpClient } from '../http/source-http-client.js';
import { graphPlatform } from '../meta/graph-api.js';
import { normalisedPost, type NormalisedPost } from '../normalised-post.js';
import { date, mapItems, optStr, record, str } from '../paging/item-mapper.js';
import { Round } from '../paging/rounds.js';
import {
  AdapterError,
  type AdapterContext,
  type AdapterOptionSpec,
  type BudgetUsage,
  type FetchPageParams,
  type FetchPageResult,
  type HealthProbe,
  type OptionProblem,
  type SourceAdapter,
} from '../source-adapter.js';
import { hashtagsIn, tidyText, uniqueTags } from '../text/plain-text.js';

export interface ThreadsOptions {
  graphUrl?: string;
  accessToken?: string;
}

interface LaneState {
  /** Newest post time (epoch seconds) of the last finished sweep: the next sweep asks `since` it. */
  since?: number;
  sweep?: { after: string; top: number | null };
}

/** Threads: 2,200 keyword-search queries per user in a rolling 24 hours. */
export const THREADS_QUERY_LIMIT = 2200;
const WINDOW_HOURS = 24;
const PAGE = 100;
const FIELDS =
  'id,text,timestamp,permalink,username,is_quote_post,media_type,topic_tag,reposted_post{id},quoted_post{id}';

const GRAPH_URL: AdapterOptionSpec = {
  name: 'graphUrl',
  type: 'url',
  required: false,
  secret: false,
  description: 'Threads Graph API base URL with its version.',
  default: 'https://graph.threads.net/v1.0',
  example: 'https://graph.threads.net/v1.0',
};
const ACCESS_TOKEN: AdapterOptionSpec = {
  name: 'accessToken',
  type: 'string',
  required: true,
  secret: true,
  description:
    'A long-lived Threads user token of an app approved for threads_basic and threads_keyword_search.',
};

/**
 * Threads keyword search (`/keyword_search`, `search_type=RECENT`): hashtags with `search_mode=TAG`,
 * keywords with `search_mode=KEYWORD`, paged with the `after` cursor. Every query that returns posts
 * counts against Meta's 2,200 per user per 24 hours, tracked in the database for every instance.
 */
export class ThreadsAdapter implements SourceAdapter<ThreadsOptions> {
  readonly name = 'threads';
  readonly description = 'Threads keyword and tag search (Meta; needs threads_keyword_search approval).';
  readonly optionSpecs = [GRAPH_URL, ACCESS_TOKEN] as const;
  readonly supportsWindow = true;
  private readonly http: SourceHttpClient;
  private readonly budgets: SourceBudgets;
  private readonly users = new Map<string, { id: string; username: string }>();

  constructor(context: AdapterContext) {
    this.budgets = context.budgets;
    this.http = new SourceHttpClient(graphPlatform('threads'), context.clock, context.retry);
  }

  validateOptions(options: Record<string, unknown>): OptionProblem[] {
    return plainBaseUrlProblems(options, 'graphUrl');
  }

  async health(options: ThreadsOptions, signal?: AbortSignal): Promise<HealthProbe> {
    const user = await this.user(options, 10_000, signal);
    const budget = await this.budget(user.id);
    return {
      ok: true,
      detail: `signed in as ${user.username}; ${budget.used} of ${budget.limit} searches used in 24 hours`,
      budgets: [budget],
    };
  }

  async budget(userId: string): Promise<BudgetUsage> {
    return {
      name: 'keyword searches per user',
      used: await this.budgets.queriesInWindow('threads', userId, WINDOW_HOURS),
      limit: THREADS_QUERY_LIMIT,
      windowHours: WINDOW_HOURS,
    };
  }

  async fetchPage(params: FetchPageParams<ThreadsOptions>): Promise<FetchPageResult> {
    const graph = baseUrlOption(params.options as Record<string, unknown>, GRAPH_URL);
    const lanes = [
      ...uniqueTags(params.query.hashtags).map((t) => `tag:${t}`),
      ...params.query.keywords.map((k) => `kw:${k.toLowerCase()}`),
    ];
    const round = Round.open<LaneState>(params.cursor, lanes);
    if (round.empty) return { posts: [], rejected: [], nextCursor: round.idle(), exhausted: true };
    const { key, state = {} } = round.current;
    const user = await this.user(params.options, params.timeoutMs, params.signal);

    if (!(await this.budgets.claimQuery('threads', user.id, THREADS_QUERY_LIMIT, WINDOW_HOURS))) {
      throw new AdapterError(
        'rate_limited',
        `Threads search budget used up: ${THREADS_QUERY_LIMIT} queries in 24 hours for ${user.username}`,
        15 * 60_000,
      );
    }
    let res;
    try {
      res = await this.http.request({
        url: `${graph}/keyword_search`,
        query: {
          q: key.slice(key.indexOf(':') + 1),
          search_type: 'RECENT',
          search_mode: key.startsWith('tag:') ? 'TAG' : 'KEYWORD',
          fields: FIELDS,
          limit: PAGE,
          since: params.since ? Math.floor(params.since.getTime() / 1000) : state.since,
          until: params.until ? Math.floor(params.until.getTime() / 1000) : undefined,
          after: state.sweep?.after,
        },
        headers: this.auth(params.options),
        timeoutMs: params.timeoutMs,
        signal: params.signal,
      });
    } catch (error) {
      // A query that never got an answer did not count.
      await this.budgets.releaseQuery('threads', user.id);
      throw error;
    }
    const where = `${graph} keyword_search ${key}`;
    const body = parseJson(res.body, where) as {
      data?: unknown;
      paging?: { cursors?: { after?: unknown }; next?: unknown };
    };
    if (!body || typeof body !== 'object' || !Array.isArray(body.data))
      throw malformedPage(where, 'no "data" array', res.body);
    // Meta does not count searches that return nothing.
    if (body.data.length === 0) await this.budgets.releaseQuery('threads', user.id);

    const mapped = mapItems(body.data as unknown[], toPost);
    const top = mapped.posts.reduce<number | null>(
      (t, p) => Math.max(t ?? 0, Math.floor(p.createdAt.getTime() / 1000)),
      state.sweep?.top ?? null,
    );
    const after = typeof body.paging?.cursors?.after === 'string' ? body.paging.cursors.after : undefined;
    const laneDone = !after || typeof body.paging?.next !== 'string' || body.data.length === 0;
    const next: LaneState = laneDone
      ? { since: Math.max(state.since ?? 0, top ?? 0) || undefined }
      : { since: state.since, sweep: { after, top } };
    return {
      posts: mapped.posts,
      rejected: mapped.rejected,
      ...round.advance(next, laneDone),
      rateLimit: res.rateLimit,
    };
  }

  /** The token's user (`/me`), cached per token: budgets are per user, and tokens get refreshed. */
  private async user(options: ThreadsOptions, timeoutMs: number, signal?: AbortSignal) {
    const graph = baseUrlOption(options as Record<string, unknown>, GRAPH_URL);
    const key = credentialKey(graph, stringOption(options as Record<string, unknown>, ACCESS_TOKEN));
    const cached = this.users.get(key);
    if (cached) return cached;
    const res = await this.http.request({
      url: `${graph}/me`,
      query: { fields: 'id,username' },
      headers: this.auth(options),
      timeoutMs,
      signal,
    });
    const me = parseJson(res.body, `${graph} me`) as { id?: unknown; username?: unknown };
    if (typeof me?.id !== 'string') throw malformedPage(`${graph} me`, 'no user id', res.body);
    const user = { id: me.id, username: typeof me.username === 'string' ? me.username : me.id };
    this.users.set(key, user);
    return user;
  }

  private auth(options: ThreadsOptions): Record<string, string> {
    return { Authorization: `Bearer ${stringOption(options as Record<string, unknown>, ACCESS_TOKEN)}` };
  }
}

function toPost(raw: unknown): NormalisedPost {
  const m = record(raw, 'post');
  const text = typeof m.text === 'string' ? tidyText(m.text) : '';
  const reposted =
    m.reposted_post && typeof m.reposted_post === 'object'
      ? optStr(m.reposted_post as Record<string, unknown>, 'id')
      : null;
  const quoted =
    m.quoted_post && typeof m.quoted_post === 'object'
      ? optStr(m.quoted_post as Record<string, unknown>, 'id')
      : null;
  const topicTag = optStr(m, 'topic_tag');
  const isRepost = m.media_type === 'REPOST_FACADE';
  return normalisedPost({
    source: 'threads',
    externalId: str(m, 'id'),
    url: optStr(m, 'permalink'),
    authorId: null,
    authorHandle: optStr(m, 'username'),
    text,
    lang: null,
    createdAt: date(m.timestamp, 'timestamp'),
    isRepost,
    repostOf: isRepost ? reposted : null,
    isQuote: m.is_quote_post === true,
    quoteOf: m.is_quote_post === true ? quoted : null,
    hashtags: uniqueTags([...(topicTag ? [topicTag] : []), ...hashtagsIn(text)]),
    engagement: {},
  });
}
