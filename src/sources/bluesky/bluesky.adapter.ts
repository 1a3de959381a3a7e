import {
  baseUrlOption,
  credentialKey,
  inWindow,
  maxIso,
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
  type HttpRequest,
  type HttpResponse,
} from '../http/source-http-client.js';
import { normalisedPost, type NormalisedPost } from '../normalised-post.js';
import {
  date,
  engagement,
  ItemProblem,
  mapItems,
  optNum,
  optStr,
  record,
  str,
} from '../paging/item-mapper.js';
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
import { tidyText, uniqueTags } from '../text/plain-text.js';

export interface BlueskyOptions {
  service?: string;
  identifier?: string;
  appPassword?: string;
}

interface Session {
  accessJwt: string;
  refreshJwt: string;
  did: string;
  handle: string;
}

/** One search (a hashtag, or a keyword phrase) and where it stands. */
interface LaneState {
  /** Newest sort time seen by the last finished sweep: the next sweep asks for posts `since` it. */
  since?: string;
  sweep?: { cursor: string; top: string | null };
}

const PAGE = 100;

const SERVICE: AdapterOptionSpec = {
  name: 'service',
  type: 'url',
  required: false,
  secret: false,
  description: "Your account's PDS (or bsky.social), which signs you in and proxies search to the AppView.",
  default: 'https://bsky.social',
  example: 'https://bsky.social',
};
const IDENTIFIER: AdapterOptionSpec = {
  name: 'identifier',
  type: 'string',
  required: true,
  secret: false,
  description: 'Handle or DID of the account that searches, e.g. newsroom.bsky.social.',
  example: 'newsroom.bsky.social',
};
const APP_PASSWORD: AdapterOptionSpec = {
  name: 'appPassword',
  type: 'string',
  required: true,
  secret: true,
  description:
    'An app password (Settings → Privacy and security → App passwords), never the account password.',
};

/**
 * Bluesky post search (`app.bsky.feed.searchPosts`, `sort=latest`), signed in with an app password. The
 * session is created once per credentials and refreshed when it expires (logins are rate-limited). Each
 * hashtag is its own search (`tag` filters AND together); a sweep pages with the cursor and the next sweep
 * asks only for posts `since` the newest one seen.
 */
export class BlueskyAdapter implements SourceAdapter<BlueskyOptions> {
  readonly name = 'bluesky';
  readonly description = 'Bluesky post search by hashtag and keyword (needs an app password).';
  readonly optionSpecs = [SERVICE, IDENTIFIER, APP_PASSWORD] as const;
  readonly supportsWindow = true;
  private readonly http: SourceHttpClient;
  private readonly sessions = new Map<string, Session>();

  constructor(context: AdapterContext) {
    this.http = new SourceHttpClient(
      {
        name: 'bluesky',
        readRateLimit: (h, _status, now) => ({
          limit: numberHeader(h['ratelimit-limit']),
          remaining: numberHeader(h['ratelimit-remaining']),
          resetAt: secondsToMs(numberHeader(h['ratelimit-reset'])),
          retryAfterMs: parseRetryAfter(h['retry-after'], now),
        }),
        describeError: xrpcError,
      },
      context.clock,
      context.retry,
    );
  }

  validateOptions(options: Record<string, unknown>): OptionProblem[] {
    const problems = plainBaseUrlProblems(options, 'service');
    const pw = options.appPassword;
    if (typeof pw === 'string' && !/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/.test(pw)) {
      problems.push({
        option: 'appPassword',
        message: 'must be an app password such as abcd-efgh-ijkl-mnop',
      });
    }
    return problems;
  }

  async health(options: BlueskyOptions, signal?: AbortSignal): Promise<HealthProbe> {
    const session = await this.session(options, 10_000, signal);
    return { ok: true, detail: `signed in as ${session.handle}` };
  }

  async fetchPage(params: FetchPageParams<BlueskyOptions>): Promise<FetchPageResult> {
    const lanes = [
      ...uniqueTags(params.query.hashtags).map((t) => `#${t}`),
      ...params.query.keywords.map((k) => `kw:${k.toLowerCase()}`),
    ];
    const round = Round.open<LaneState>(params.cursor, lanes);
    if (round.empty) return { posts: [], rejected: [], nextCursor: round.idle(), exhausted: true };
    const { key, state = {} } = round.current;
    const tag = key.startsWith('#') ? key.slice(1) : undefined;
    const service = baseUrlOption(params.options as Record<string, unknown>, SERVICE);

    const res = await this.authed(params.options, params.timeoutMs, params.signal, (auth) => ({
      url: `${service}/xrpc/app.bsky.feed.searchPosts`,
      query: {
        q: tag ? `#${tag}` : quoted(key.slice(3)),
        tag: tag ? [tag] : undefined,
        sort: 'latest',
        limit: PAGE,
        since: params.since?.toISOString() ?? state.since,
        until: params.until?.toISOString(),
        cursor: state.sweep?.cursor,
      },
      headers: auth,
    }));
    const where = `${service} searchPosts ${key}`;
    const body = parseJson(res.body, where) as { posts?: unknown; cursor?: unknown };
    if (!body || typeof body !== 'object' || !Array.isArray(body.posts)) {
      throw malformedPage(where, 'no "posts" array', res.body);
    }
    const mapped = mapItems(body.posts as unknown[], (p) => toPost(p));
    const posts = mapped.posts.filter((p) => inWindow(p.createdAt, params.since, params.until));
    const top = mapped.posts.reduce<string | null>(
      (t, p) => maxIso(t, p.createdAt.toISOString()),
      state.sweep?.top ?? null,
    );
    const cursor = typeof body.cursor === 'string' && body.cursor !== '' ? body.cursor : undefined;
    const laneDone = !cursor || body.posts.length === 0;
    const next: LaneState = laneDone
      ? { since: maxIso(state.since, top) ?? undefined }
      : { since: state.since, sweep: { cursor, top } };
    return { posts, rejected: mapped.rejected, ...round.advance(next, laneDone), rateLimit: res.rateLimit };
  }

  /** A request with the session's token; an expired token is refreshed (or the session re-created) once. */
  private async authed(
    options: BlueskyOptions,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    build: (auth: Record<string, string>) => Omit<HttpRequest, 'timeoutMs' | 'signal'>,
  ): Promise<HttpResponse> {
    const session = await this.session(options, timeoutMs, signal);
    const first = await this.http.request({
      ...build({ Authorization: `Bearer ${session.accessJwt}` }),
      timeoutMs,
      signal,
      accept: [400, 401],
    });
    if (first.status < 300) return first;
    if (!isExpired(first)) throw rejected(first);
    const renewed = await this.refresh(options, session, timeoutMs, signal);
    const second = await this.http.request({
      ...build({ Authorization: `Bearer ${renewed.accessJwt}` }),
      timeoutMs,
      signal,
      accept: [400, 401],
    });
    if (second.status >= 300) throw rejected(second);
    return second;
  }

  private async session(options: BlueskyOptions, timeoutMs: number, signal?: AbortSignal): Promise<Session> {
    const key = this.key(options);
    const cached = this.sessions.get(key);
    if (cached) return cached;
    const service = baseUrlOption(options as Record<string, unknown>, SERVICE);
    const res = await this.http.request({
      method: 'POST',
      url: `${service}/xrpc/com.atproto.server.createSession`,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        identifier: stringOption(options as Record<string, unknown>, IDENTIFIER),
        password: stringOption(options as Record<string, unknown>, APP_PASSWORD),
      }),
      timeoutMs,
      signal,
      accept: [400, 401],
    });
    if (res.status >= 300) {
      throw new AdapterError(
        'auth',
        `Bluesky sign-in refused: ${xrpcError(res.status, res.body)}`,
        undefined,
        {
          status: res.status,
        },
      );
    }
    const session = readSession(res.body, `${service} createSession`);
    this.sessions.set(key, session);
    return session;
  }

  private async refresh(
    options: BlueskyOptions,
    old: Session,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<Session> {
    const key = this.key(options);
    this.sessions.delete(key);
    const service = baseUrlOption(options as Record<string, unknown>, SERVICE);
    const res = await this.http.request({
      method: 'POST',
      url: `${service}/xrpc/com.atproto.server.refreshSession`,
      headers: { Authorization: `Bearer ${old.refreshJwt}` },
      timeoutMs,
      signal,
      accept: [400, 401],
    });
    if (res.status >= 300) return this.session(options, timeoutMs, signal);
    const session = readSession(res.body, `${service} refreshSession`);
    this.sessions.set(key, session);
    return session;
  }

  private key(options: BlueskyOptions): string {
    const o = options as Record<string, unknown>;
    return credentialKey(
      baseUrlOption(o, SERVICE),
      stringOption(o, IDENTIFIER),
      stringOption(o, APP_PASSWORD),
    );
  }
}

function toPost(raw: unknown): NormalisedPost {
  const view = record(raw, 'post');
  const uri = str(view, 'uri');
  const author = record(view.author, 'author');
  const rec = record(view.record, 'record');
  const did = str(author, 'did');
  const handle = optStr(author, 'handle');
  const text = typeof rec.text === 'string' ? rec.text : '';
  const created = date(rec.createdAt, 'record.createdAt');
  const indexed = view.indexedAt ? date(view.indexedAt, 'indexedAt') : created;
  const reply = rec.reply && typeof rec.reply === 'object' ? (rec.reply as Record<string, unknown>) : null;
  const parent =
    reply?.parent && typeof reply.parent === 'object'
      ? optStr(reply.parent as Record<string, unknown>, 'uri')
      : null;
  const rkey = uri.split('/').pop();
  if (!uri.startsWith('at://') || !rkey) throw new ItemProblem(`"uri" is not an at:// post URI`);
  const langs = Array.isArray(rec.langs) ? rec.langs.filter((l): l is string => typeof l === 'string') : [];
  return normalisedPost({
    source: 'bluesky',
    externalId: uri,
    url: `https://bsky.app/profile/${handle && handle !== 'handle.invalid' ? handle : did}/post/${rkey}`,
    authorId: did,
    authorHandle: handle,
    text: tidyText(text),
    lang: langs[0] ? langs[0].slice(0, 2).toLowerCase() : null,
    // Clients declare createdAt and can back- or future-date it; the earlier of the two is the sort time.
    createdAt: created < indexed ? created : indexed,
    isReply: reply !== null,
    replyTo: parent,
    ...quoteOf(rec.embed),
    hashtags: uniqueTags([...facetTags(text, rec.facets), ...stringList(rec.tags)]),
    engagement: engagement({
      likes: optNum(view.likeCount),
      reposts: optNum(view.repostCount),
      replies: optNum(view.replyCount),
      quotes: optNum(view.quoteCount),
    }),
  });
}

function quoteOf(embed: unknown): { isQuote: boolean; quoteOf: string | null } {
  if (!embed || typeof embed !== 'object') return { isQuote: false, quoteOf: null };
  const e = embed as Record<string, unknown>;
  const type = e.$type;
  const target =
    type === 'app.bsky.embed.record'
      ? e.record
      : type === 'app.bsky.embed.recordWithMedia'
        ? (e.record as Record<string, unknown> | undefined)?.record
        : undefined;
  if (!target || typeof target !== 'object') return { isQuote: false, quoteOf: null };
  return { isQuote: true, quoteOf: optStr(target as Record<string, unknown>, 'uri') };
}

/** Tags from rich-text facets; a facet without its tag is read from the text by its UTF-8 byte range. */
function facetTags(text: string, facets: unknown): string[] {
  if (!Array.isArray(facets)) return [];
  const bytes = new TextEncoder().encode(text);
  const decoder = new TextDecoder();
  const tags: string[] = [];
  for (const f of facets as { index?: { byteStart?: number; byteEnd?: number }; features?: unknown[] }[]) {
    for (const feature of Array.isArray(f?.features) ? f.features : []) {
      const feat = feature as { $type?: string; tag?: unknown };
      if (feat?.$type !== 'app.bsky.richtext.facet#tag') continue;
      if (typeof feat.tag === 'string' && feat.tag) tags.push(feat.tag);
      else if (typeof f.index?.byteStart === 'number' && typeof f.index.byteEnd === 'number') {
        tags.push(decoder.decode(bytes.slice(f.index.byteStart, f.index.byteEnd)).replace(/^#/, ''));
      }
    }
  }
  return tags;
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function readSession(body: string, where: string): Session {
  const s = parseJson(body, where) as Partial<Session>;
  if (
    !s ||
    typeof s.accessJwt !== 'string' ||
    typeof s.refreshJwt !== 'string' ||
    typeof s.did !== 'string'
  ) {
    // Never quarantine a session body: it holds tokens.
    throw new AdapterError('malformed', `${where}: the session has no tokens`);
  }
  return { accessJwt: s.accessJwt, refreshJwt: s.refreshJwt, did: s.did, handle: s.handle ?? s.did };
}

function isExpired(res: HttpResponse): boolean {
  if (res.status === 401) return true;
  try {
    return (JSON.parse(res.body) as { error?: string }).error === 'ExpiredToken';
  } catch {
    return false;
  }
}

function rejected(res: HttpResponse): AdapterError {
  const kind = res.status === 401 || res.status === 403 ? 'auth' : 'config';
  return new AdapterError(kind, `Bluesky refused the search: ${xrpcError(res.status, res.body)}`, undefined, {
    status: res.status,
  });
}

function secondsToMs(s: number | undefined): number | undefined {
  return s === undefined ? undefined : s * 1000;
}

/** XRPC errors are `{ error, message }`; some gateways answer HTML. */
function xrpcError(status: number, body: string): string {
  try {
    const e = JSON.parse(body) as { error?: unknown; message?: unknown };
    if (typeof e.error === 'string')
      return `HTTP ${status} ${e.error}${typeof e.message === 'string' ? `: ${e.message}` : ''}`;
  } catch {
    // HTML or empty
  }
  return `HTTP ${status}`;
}
