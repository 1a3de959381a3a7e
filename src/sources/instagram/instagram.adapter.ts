import { baseUrlOption, plainBaseUrlProblems, stringOption } from '../adapter-support.js';
import type { Clock } from '../http/clock.js';
import { malformedPage, parseJson, SourceHttpClient } from '../http/source-http-client.js';
import { graphPlatform } from '../meta/graph-api.js';
import { longestInterval } from '../meta/schedule-reach.js';
import { normalisedPost, type NormalisedPost } from '../normalised-post.js';
import { date, engagement, mapItems, optNum, optStr, record, str } from '../paging/item-mapper.js';
import { Round } from '../paging/rounds.js';
import {
  AdapterError,
  type AdapterContext,
  type AdapterOptionSpec,
  type BudgetUsage,
  type CoverageGap,
  type FetchPageParams,
  type FetchPageResult,
  type HealthProbe,
  type OptionProblem,
  type SourceAdapter,
  type TopicCheckResult,
  type TopicSourceCheck,
} from '../source-adapter.js';
import type { SourceBudgets } from '../budget/source-budgets.js';
import { hashtagsIn, tidyText, uniqueTags } from '../text/plain-text.js';

export interface InstagramOptions {
  graphUrl?: string;
  accessToken?: string;
  igUserId?: string;
}

interface LaneState {
  hashtagId?: string;
  /** Newest media time of the last finished sweep: older media are not collected again. */
  newest?: string;
  /** When the last sweep finished: a longer pause than Instagram's reach leaves a gap. */
  sweptAt?: string;
  sweep?: { after: string; top: string | null; startedAt: string };
}

/** Instagram: 30 unique hashtags per account in a rolling 7 days. */
export const INSTAGRAM_HASHTAG_LIMIT = 30;
const WINDOW_HOURS = 7 * 24;
/** `recent_media` returns media from about the last 24 hours. */
export const INSTAGRAM_REACH_HOURS = 24;
const PAGE = 50;
const FIELDS = 'id,caption,media_type,permalink,timestamp,like_count,comments_count';

const GRAPH_URL: AdapterOptionSpec = {
  name: 'graphUrl',
  type: 'url',
  required: false,
  secret: false,
  description: 'Graph API base URL with its version.',
  default: 'https://graph.facebook.com/v21.0',
  example: 'https://graph.facebook.com/v21.0',
};
const ACCESS_TOKEN: AdapterOptionSpec = {
  name: 'accessToken',
  type: 'string',
  required: true,
  secret: true,
  description:
    'A long-lived user access token of an app approved for Instagram Public Content Access (instagram_basic).',
};
const IG_USER_ID: AdapterOptionSpec = {
  name: 'igUserId',
  type: 'string',
  required: true,
  secret: false,
  description: 'Id of the Instagram Business or Creator account the searches are made for.',
  example: '17841405822304914',
};

/**
 * Instagram Graph API hashtag search: `ig_hashtag_search` once per hashtag (the id is cached), then
 * `/{hashtag-id}/recent_media` paged with `after`. Captions are the text; these results carry no author,
 * so none is recorded. Meta's budget of 30 unique hashtags per account in 7 days is tracked in the
 * database for every instance, checked before a topic is accepted, and shown in health.
 */
export class InstagramAdapter implements SourceAdapter<InstagramOptions> {
  readonly name = 'instagram';
  readonly description =
    'Instagram hashtag search (Graph API; Business/Creator account with Public Content Access).';
  readonly optionSpecs = [GRAPH_URL, ACCESS_TOKEN, IG_USER_ID] as const;
  readonly supportsWindow = false;
  private readonly http: SourceHttpClient;
  private readonly clock: Clock;
  private readonly budgets: SourceBudgets;
  private readonly hashtagIds = new Map<string, string>();

  constructor(context: AdapterContext) {
    this.clock = context.clock;
    this.budgets = context.budgets;
    this.http = new SourceHttpClient(graphPlatform('instagram'), context.clock, context.retry);
  }

  validateOptions(options: Record<string, unknown>): OptionProblem[] {
    const problems = plainBaseUrlProblems(options, 'graphUrl');
    if (typeof options.igUserId === 'string' && !/^\d+$/.test(options.igUserId)) {
      problems.push({ option: 'igUserId', message: 'must be the numeric Instagram user id' });
    }
    return problems;
  }

  async checkTopic(check: TopicSourceCheck<InstagramOptions>): Promise<TopicCheckResult> {
    const account = check.options.igUserId ?? '';
    const wanted = uniqueTags(check.query.hashtags);
    const [used, planned] = await Promise.all([
      this.budgets.hashtagsInWindow('instagram', account, WINDOW_HOURS),
      this.budgets.plannedHashtags('instagram', 'igUserId', account, check.topicId),
    ]);
    const committed = new Set([...used, ...planned]);
    const adds = wanted.filter((t) => !committed.has(t));
    const problems: OptionProblem[] = [];
    if (committed.size + adds.length > INSTAGRAM_HASHTAG_LIMIT) {
      problems.push({
        option: 'igUserId',
        message:
          `Instagram allows ${INSTAGRAM_HASHTAG_LIMIT} unique hashtags per account in 7 days; account ${account} ` +
          `has ${committed.size} in use (queried in the last 7 days or used by other topics) and this topic adds ` +
          `${adds.length} (${adds.map((t) => `#${t}`).join(', ')}).`,
      });
    }
    const warnings: string[] = [];
    if (wanted.length === 0) warnings.push('Instagram searches hashtags only: this topic has none.');
    else if (check.query.keywords.length)
      warnings.push('Instagram searches hashtags only: keywords are not searched.');
    const interval = longestInterval(check.schedule);
    if (interval !== undefined && interval > INSTAGRAM_REACH_HOURS * 3600_000) {
      warnings.push(
        `Instagram's recent media reach back about ${INSTAGRAM_REACH_HOURS} hours but this schedule leaves up to ` +
          `${Math.round(interval / 3600_000)} hours between runs: the rest is recorded as coverage gaps.`,
      );
    }
    return { problems, warnings };
  }

  async health(options: InstagramOptions, signal?: AbortSignal): Promise<HealthProbe> {
    const graph = baseUrlOption(options as Record<string, unknown>, GRAPH_URL);
    const account = stringOption(options as Record<string, unknown>, IG_USER_ID);
    const res = await this.http.request({
      url: `${graph}/${encodeURIComponent(account)}`,
      query: { fields: 'id,username' },
      headers: this.auth(options),
      timeoutMs: 10_000,
      signal,
    });
    const me = parseJson(res.body, `${graph} account`) as { username?: unknown };
    const budget = await this.budget(account);
    return {
      ok: true,
      detail: `account ${typeof me.username === 'string' ? me.username : account}; ${budget.used} of ${budget.limit} hashtags used in 7 days`,
      budgets: [budget],
    };
  }

  async budget(account: string): Promise<BudgetUsage> {
    const items = await this.budgets.hashtagsInWindow('instagram', account, WINDOW_HOURS);
    return {
      name: 'unique hashtags per account',
      used: items.length,
      limit: INSTAGRAM_HASHTAG_LIMIT,
      windowHours: WINDOW_HOURS,
      items,
    };
  }

  async fetchPage(params: FetchPageParams<InstagramOptions>): Promise<FetchPageResult> {
    const graph = baseUrlOption(params.options as Record<string, unknown>, GRAPH_URL);
    const account = stringOption(params.options as Record<string, unknown>, IG_USER_ID);
    const round = Round.open<LaneState>(params.cursor, uniqueTags(params.query.hashtags));
    if (round.empty) return { posts: [], rejected: [], nextCursor: round.idle(), exhausted: true };
    const { key: tag, state = {} } = round.current;
    const now = this.clock.now();
    const gaps: CoverageGap[] = [];

    if (!state.sweep) {
      // Each sweep counts the hashtag against the budget (free while it is inside its 7-day window).
      const allowed = await this.budgets.claimHashtag(
        'instagram',
        account,
        tag,
        INSTAGRAM_HASHTAG_LIMIT,
        WINDOW_HOURS,
      );
      if (!allowed) {
        throw new AdapterError(
          'rate_limited',
          `Instagram hashtag budget used up: ${INSTAGRAM_HASHTAG_LIMIT} unique hashtags in 7 days for account ${account}; #${tag} must wait`,
          3600_000,
        );
      }
      const reach = now - INSTAGRAM_REACH_HOURS * 3600_000;
      if (state.sweptAt && Date.parse(state.sweptAt) < reach) {
        gaps.push({
          from: new Date(state.sweptAt),
          until: new Date(reach),
          reason: `Instagram recent media reach back ${INSTAGRAM_REACH_HOURS} hours; #${tag} was last collected ${state.sweptAt}`,
        });
      }
    }
    const hashtagId = state.hashtagId ?? (await this.hashtagId(graph, account, tag, params));
    const res = await this.http.request({
      url: `${graph}/${encodeURIComponent(hashtagId)}/recent_media`,
      query: { user_id: account, fields: FIELDS, limit: PAGE, after: state.sweep?.after },
      headers: this.auth(params.options),
      timeoutMs: params.timeoutMs,
      signal: params.signal,
    });
    const where = `${graph} #${tag} recent_media`;
    const body = parseJson(res.body, where) as {
      data?: unknown;
      paging?: { cursors?: { after?: unknown }; next?: unknown };
    };
    if (!body || typeof body !== 'object' || !Array.isArray(body.data))
      throw malformedPage(where, 'no "data" array', res.body);

    const mapped = mapItems(body.data as unknown[], toPost);
    const fresh = mapped.posts.filter((p) => !state.newest || p.createdAt.toISOString() > state.newest);
    const top = mapped.posts.reduce<string | null>(
      (t, p) => (!t || p.createdAt.toISOString() > t ? p.createdAt.toISOString() : t),
      state.sweep?.top ?? null,
    );
    const after = typeof body.paging?.cursors?.after === 'string' ? body.paging.cursors.after : undefined;
    // Recent media come newest first: a page with nothing new means the rest was collected before.
    const laneDone =
      !after ||
      typeof body.paging?.next !== 'string' ||
      body.data.length === 0 ||
      fresh.length < mapped.posts.length;
    const startedAt = state.sweep?.startedAt ?? new Date(now).toISOString();
    const next: LaneState = laneDone
      ? { hashtagId, newest: maxOf(state.newest, top), sweptAt: startedAt }
      : { hashtagId, newest: state.newest, sweptAt: state.sweptAt, sweep: { after, top, startedAt } };
    return {
      posts: fresh,
      rejected: mapped.rejected,
      ...round.advance(next, laneDone),
      rateLimit: res.rateLimit,
      ...(gaps.length ? { gaps } : {}),
    };
  }

  private async hashtagId(
    graph: string,
    account: string,
    tag: string,
    params: FetchPageParams<InstagramOptions>,
  ) {
    const cacheKey = `${graph}\u0000${account}\u0000${tag}`;
    const cached = this.hashtagIds.get(cacheKey);
    if (cached) return cached;
    const res = await this.http.request({
      url: `${graph}/ig_hashtag_search`,
      query: { user_id: account, q: tag },
      headers: this.auth(params.options),
      timeoutMs: params.timeoutMs,
      signal: params.signal,
    });
    const body = parseJson(res.body, `${graph} ig_hashtag_search`) as { data?: { id?: unknown }[] };
    const id = Array.isArray(body?.data) ? body.data[0]?.id : undefined;
    if (typeof id !== 'string')
      throw malformedPage(`${graph} ig_hashtag_search #${tag}`, 'no hashtag id', res.body);
    this.hashtagIds.set(cacheKey, id);
    return id;
  }

  private auth(options: InstagramOptions): Record<string, string> {
    return { Authorization: `Bearer ${stringOption(options as Record<string, unknown>, ACCESS_TOKEN)}` };
  }
}

function toPost(raw: unknown): NormalisedPost {
  const m = record(raw, 'media');
  const caption = typeof m.caption === 'string' ? tidyText(m.caption) : '';
  return normalisedPost({
    source: 'instagram',
    externalId: str(m, 'id'),
    url: optStr(m, 'permalink'),
    // Hashtag search results carry no owner: none is recorded rather than one invented.
    authorId: null,
    authorHandle: null,
    text: caption,
    lang: null,
    createdAt: date(m.timestamp, 'timestamp'),
    hashtags: hashtagsIn(caption),
    engagement: engagement({ likes: optNum(m.like_count), replies: optNum(m.comments_count) }),
  });
}

function maxOf(a: string | undefined, b: string | null): string | undefined {
  if (!b) return a;
  if (!a) return b;
  return a > b ? a : b;
}
