import { baseUrlOption, inWindow, plainBaseUrlProblems, stringOption } from '../adapter-support.js';
import {
  numberHeader,
  parseJson,
  parseRetryAfter,
  SourceHttpClient,
  malformedPage,
} from '../http/source-http-client.js';
import { normalisedPost, type NormalisedPost } from '../normalised-post.js';
import { engagement, mapItems, optNum, optStr, record, str, date } from '../paging/item-mapper.js';
import { Round } from '../paging/rounds.js';
import type {
  AdapterContext,
  AdapterOptionSpec,
  FetchPageParams,
  FetchPageResult,
  HealthProbe,
  OptionProblem,
  SourceAdapter,
  TopicCheckResult,
  TopicSourceCheck,
} from '../source-adapter.js';
import { htmlToText, uniqueTags } from '../text/plain-text.js';

export interface MastodonOptions {
  instance?: string;
  accessToken?: string;
}

/** One tag timeline: the first tag in the path, up to four more as `any[]` (Mastodon's per-mode limit). */
interface LaneState {
  /** Greatest status id seen: later runs fetch what came after it with `min_id`. */
  minId?: string;
  /** First run: paging back in time with `max_id` before switching to `min_id`. */
  back?: { maxId: string; top: string };
}

const PAGE = 40;
const TAGS_PER_TIMELINE = 5;

const INSTANCE: AdapterOptionSpec = {
  name: 'instance',
  type: 'url',
  required: false,
  secret: false,
  description:
    'Base URL of the Mastodon instance whose hashtag timelines are read (add one source per instance).',
  default: 'https://mastodon.social',
  example: 'https://mastodon.social',
};
const ACCESS_TOKEN: AdapterOptionSpec = {
  name: 'accessToken',
  type: 'string',
  required: false,
  secret: true,
  description:
    'Optional app or user token (scope read:statuses) for instances that close hashtag timelines to the public.',
};

/**
 * Mastodon hashtag timelines on any instance. The first run pages back through the timeline (`max_id`,
 * following the `Link` header); later runs read forward from the greatest id seen (`min_id`), so each page
 * commits a watermark and nothing is read twice. Ids are compared as big integers.
 */
export class MastodonAdapter implements SourceAdapter<MastodonOptions> {
  readonly name = 'mastodon';
  readonly description = 'Hashtag timelines of a Mastodon instance (public, or with an app token).';
  readonly optionSpecs = [INSTANCE, ACCESS_TOKEN] as const;
  readonly supportsWindow = true;
  private readonly http: SourceHttpClient;

  constructor(context: AdapterContext) {
    this.http = new SourceHttpClient(
      {
        name: 'mastodon',
        readRateLimit: (h, _status, now) => ({
          limit: numberHeader(h['x-ratelimit-limit']),
          remaining: numberHeader(h['x-ratelimit-remaining']),
          resetAt: isoMs(h['x-ratelimit-reset']),
          retryAfterMs: parseRetryAfter(h['retry-after'], now),
        }),
        describeError: (status, body) => mastodonError(status, body),
        userAgent: 'Groundswell (+https://github.com/groundswell)',
      },
      context.clock,
      context.retry,
    );
  }

  validateOptions(options: Record<string, unknown>): OptionProblem[] {
    return plainBaseUrlProblems(options, 'instance');
  }

  checkTopic(check: TopicSourceCheck<MastodonOptions>): Promise<TopicCheckResult> {
    const warnings: string[] = [];
    if (check.query.keywords.length && check.query.hashtags.length === 0) {
      warnings.push('Mastodon collects hashtag timelines only: this topic has keywords but no hashtags.');
    } else if (check.query.keywords.length) {
      warnings.push(
        'Mastodon collects hashtag timelines only: keywords filter what is collected but are not searched.',
      );
    }
    return Promise.resolve({ problems: [], warnings });
  }

  async health(options: MastodonOptions, signal?: AbortSignal): Promise<HealthProbe> {
    const instance = baseUrlOption(options as Record<string, unknown>, INSTANCE);
    const res = await this.http.request({
      url: `${instance}/api/v1/instance`,
      headers: this.auth(options),
      timeoutMs: 10_000,
      signal,
    });
    const info = parseJson(res.body, instance) as { title?: string; version?: string };
    if (options.accessToken) {
      await this.http.request({
        url: `${instance}/api/v1/apps/verify_credentials`,
        headers: this.auth(options),
        timeoutMs: 10_000,
        signal,
      });
    }
    return {
      ok: true,
      detail: `${info.title ?? instance} (Mastodon ${info.version ?? 'unknown version'})${options.accessToken ? ', token accepted' : ''}`,
    };
  }

  async fetchPage(params: FetchPageParams<MastodonOptions>): Promise<FetchPageResult> {
    const options = params.options as Record<string, unknown>;
    const instance = baseUrlOption(options, INSTANCE);
    const round = Round.open<LaneState>(params.cursor, timelines(params.query.hashtags));
    if (round.empty) return { posts: [], rejected: [], nextCursor: round.idle(), exhausted: true };
    const { key, state = {} } = round.current;
    const [tag, ...any] = key.split('+');
    const forward = state.minId !== undefined && state.back === undefined;

    const res = await this.http.request({
      url: `${instance}/api/v1/timelines/tag/${encodeURIComponent(tag)}`,
      query: {
        'any[]': any,
        limit: PAGE,
        min_id: forward ? state.minId : undefined,
        max_id: forward
          ? undefined
          : (state.back?.maxId ?? (params.until ? snowflakeOf(params.until) : undefined)),
      },
      headers: this.auth(params.options),
      timeoutMs: params.timeoutMs,
      signal: params.signal,
      accept: [404],
    });
    // An instance that has never seen the hashtag answers 404: nothing to collect yet.
    if (res.status === 404) {
      return { posts: [], rejected: [], ...round.advance(state, true), rateLimit: res.rateLimit };
    }
    const where = `${instance} #${tag}`;
    const items = parseJson(res.body, where);
    if (!Array.isArray(items)) throw malformedPage(where, 'the timeline is not a JSON array', res.body);

    const ids = items
      .map((i) => (i && typeof i === 'object' ? (i as { id?: unknown }).id : undefined))
      .filter((id): id is string => typeof id === 'string' && /^\d+$/.test(id));
    const mapped = mapItems(items as unknown[], (item) => this.toPost(item, instance));
    const posts = mapped.posts.filter((p) => inWindow(p.createdAt, params.since, params.until));

    let next: LaneState;
    let laneDone: boolean;
    if (forward) {
      next = { minId: maxId([state.minId ?? '0', ...ids]) };
      laneDone = items.length < PAGE;
    } else {
      const top = state.back?.top ?? maxId(ids);
      const older = linkMaxId(res.headers.link) ?? minId(ids);
      const oldest = mapped.posts.reduce<Date | undefined>(
        (o, p) => (!o || p.createdAt < o ? p.createdAt : o),
        undefined,
      );
      const pastSince = params.since !== undefined && oldest !== undefined && oldest < params.since;
      if (items.length < PAGE || !older || !top || pastSince) {
        laneDone = true;
        next = top ? { minId: top } : {};
      } else {
        laneDone = false;
        next = { back: { maxId: older, top } };
      }
    }
    return { posts, rejected: mapped.rejected, ...round.advance(next, laneDone), rateLimit: res.rateLimit };
  }

  private toPost(raw: unknown, instance: string): NormalisedPost {
    const s = record(raw, 'status');
    const reblog = s.reblog ? record(s.reblog, 'reblog') : null;
    const shown = reblog ?? s;
    const account = record(s.account, 'account');
    const uri = str(s, 'uri');
    const content = typeof shown.content === 'string' ? shown.content : '';
    const spoiler = typeof shown.spoiler_text === 'string' ? shown.spoiler_text.trim() : '';
    const text = htmlToText(spoiler ? `<p>${escapeHtml(spoiler)}</p>${content}` : content);
    const quote =
      shown.quote && typeof shown.quote === 'object' ? (shown.quote as Record<string, unknown>) : null;
    const quoted =
      quote?.quoted_status && typeof quote.quoted_status === 'object'
        ? optStr(quote.quoted_status as Record<string, unknown>, 'uri')
        : null;
    const tags = Array.isArray(shown.tags)
      ? shown.tags.map((t) =>
          t && typeof t === 'object' && typeof (t as { name?: unknown }).name === 'string'
            ? (t as { name: string }).name
            : '',
        )
      : [];
    return normalisedPost({
      source: 'mastodon',
      externalId: uri,
      url: optStr(s, 'url') ?? optStr(shown, 'url') ?? uri,
      authorId:
        optStr(account, 'uri') ?? optStr(account, 'url') ?? `${str(account, 'id')}@${new URL(instance).host}`,
      authorHandle: handleOf(account, instance),
      text,
      lang: optStr(shown, 'language'),
      createdAt: date(s.created_at, 'created_at'),
      editedAt: shown.edited_at ? date(shown.edited_at, 'edited_at') : null,
      isRepost: reblog !== null,
      repostOf: reblog ? str(reblog, 'uri') : null,
      isReply: shown.in_reply_to_id != null,
      isQuote: quote !== null,
      quoteOf: quoted,
      hashtags: uniqueTags(tags),
      engagement: engagement({
        likes: optNum(shown.favourites_count),
        reposts: optNum(shown.reblogs_count),
        replies: optNum(shown.replies_count),
        quotes: optNum(shown.quotes_count),
      }),
    });
  }

  private auth(options: MastodonOptions): Record<string, string> {
    const token = stringOption(options as Record<string, unknown>, ACCESS_TOKEN);
    return token ? { Authorization: `Bearer ${token}` } : {};
  }
}

/** Tags grouped five to a timeline (`/timelines/tag/a?any[]=b&any[]=c…`), each group a lane. */
function timelines(hashtags: readonly string[]): string[] {
  const tags = uniqueTags(hashtags);
  const out: string[] = [];
  for (let i = 0; i < tags.length; i += TAGS_PER_TIMELINE)
    out.push(tags.slice(i, i + TAGS_PER_TIMELINE).join('+'));
  return out;
}

function handleOf(account: Record<string, unknown>, instance: string): string {
  const acct = optStr(account, 'acct') ?? str(account, 'username');
  if (acct.includes('@')) return acct;
  const home = optStr(account, 'url');
  return `${acct}@${new URL(home ?? instance).host}`;
}

function maxId(ids: readonly string[]): string | undefined {
  let best: bigint | undefined;
  for (const id of ids) {
    if (!/^\d+$/.test(id)) continue;
    const n = BigInt(id);
    if (best === undefined || n > best) best = n;
  }
  return best?.toString();
}

function minId(ids: readonly string[]): string | undefined {
  let best: bigint | undefined;
  for (const id of ids) {
    const n = BigInt(id);
    if (best === undefined || n < best) best = n;
  }
  return best?.toString();
}

/** The `max_id` of the `Link` header's rel="next" (older) page. */
function linkMaxId(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return new URL(m[1]).searchParams.get('max_id') ?? undefined;
  }
  return undefined;
}

/** Mastodon ids are millisecond timestamps shifted 16 bits: the id of the first status at a time. */
function snowflakeOf(at: Date): string {
  return (BigInt(at.getTime()) << 16n).toString();
}

function isoMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function mastodonError(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; error_description?: unknown };
    if (typeof parsed.error === 'string') return `HTTP ${status}: ${parsed.error}`;
  } catch {
    // not JSON: fall through
  }
  return `HTTP ${status}`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
