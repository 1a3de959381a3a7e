import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NormalisedPost } from '../../src/sources/normalised-post.js';
import {
  AdapterError,
  type FetchPageParams,
  type FetchPageResult,
  type HealthProbe,
  type SourceAdapter,
} from '../../src/sources/source-adapter.js';

/** A post as the fixture platform serves it. `id` is missing on deliberately malformed items. */
export interface FixtureItem {
  id?: string;
  text: string;
  created_at: string;
  lang: string;
  author: string;
}

/** A response the server gives instead of a page, once per listed request. */
export interface Fault {
  status: number;
  retryAfterSeconds?: number;
  body?: string;
}

export interface FixtureServerOptions {
  /** Items served at start. */
  total?: number;
  pageSize?: number;
  /** Delay before each page is answered. */
  latencyMs?: number;
  /** created_at of the first item, then `spacingMs` apart. */
  start?: Date;
  spacingMs?: number;
  /** External ids are `${idPrefix}${n}`; servers sharing an adapter name need different prefixes. */
  idPrefix?: string;
  /** Every n-th item has no id (a rejected item). 0: none. */
  malformedEvery?: number;
  /** When set, requests need `Authorization: Bearer <token>`. */
  token?: string;
}

const TEXTS = [
  'Pay the nurses what they are worth #nursespay #paynurses',
  'Nurses should get back to work now #nursespay',
  'Talks on nurses pay continue today #nursespay',
  'Proud to stand with nurses on the picket line #nursespay #paynurses',
  'Strikes hurt patients, get back to work #nursespay',
];

/**
 * A tiny social platform on a local port: items in created order, paged by a numeric cursor
 * (`GET /posts?cursor=N&limit=L[&since=…&until=…]` → `{ items, next, more }`), with injectable faults.
 * It knows its ground truth: every item it has ever offered.
 */
export class FixtureServer {
  readonly items: FixtureItem[] = [];
  /** Every request answered, in order. */
  readonly requests: { cursor: number; status: number; since?: string; until?: string }[] = [];
  /** Spans the platform says it can no longer serve, reported on every page (as Instagram's 24-hour limit). */
  gaps: { from: string; until: string; reason: string }[] = [];
  url = '';
  private server?: Server;
  private faults: Fault[] = [];
  private persistentFault?: Fault;
  private pagesBeforeFault?: number;
  private pendingFault?: Fault;
  private readonly o: Required<Omit<FixtureServerOptions, 'token'>> & { token?: string };

  constructor(options: FixtureServerOptions = {}) {
    this.o = {
      total: 0,
      pageSize: 20,
      latencyMs: 0,
      start: new Date('2026-03-02T09:00:00Z'),
      spacingMs: 60_000,
      idPrefix: 'f',
      malformedEvery: 0,
      ...options,
    };
    this.append(this.o.total);
  }

  set latencyMs(ms: number) {
    this.o.latencyMs = ms;
  }

  /** Adds items, as new posts appearing on the platform. */
  append(n: number): void {
    for (let k = 0; k < n; k++) {
      const i = this.items.length;
      const malformed = this.o.malformedEvery > 0 && (i + 1) % this.o.malformedEvery === 0;
      this.items.push({
        ...(malformed ? {} : { id: `${this.o.idPrefix}${i}` }),
        text: TEXTS[i % TEXTS.length],
        created_at: new Date(this.o.start.getTime() + i * this.o.spacingMs).toISOString(),
        lang: 'en',
        author: `user${i % 7}`,
      });
    }
  }

  /** Ground truth: external ids of every well-formed item offered, and the count of malformed ones. */
  truth(): { ids: string[]; malformed: number } {
    const ids = this.items.filter((i) => i.id !== undefined).map((i) => i.id as string);
    return { ids, malformed: this.items.length - ids.length };
  }

  /** The next requests get these responses instead of pages, one each. */
  failNext(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  /** Every request gets this response until cleared with undefined. */
  failAlways(fault: Fault | undefined): void {
    this.persistentFault = fault;
    this.pagesBeforeFault = undefined;
  }

  /** After `pages` more pages are served, every request gets this response (until failAlways(undefined)). */
  failAfter(pages: number, fault: Fault): void {
    this.pagesBeforeFault = pages;
    this.pendingFault = fault;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fixture');
    const cursor = Number(url.searchParams.get('cursor') ?? '0');
    const since = url.searchParams.get('since') ?? undefined;
    const until = url.searchParams.get('until') ?? undefined;
    if (this.o.latencyMs) await new Promise((r) => setTimeout(r, this.o.latencyMs));
    if (this.pagesBeforeFault !== undefined && this.pagesBeforeFault-- <= 0) {
      this.persistentFault = this.pendingFault;
      this.pagesBeforeFault = undefined;
    }
    const fault = this.faults.shift() ?? this.persistentFault;
    const unauthorised = this.o.token !== undefined && req.headers.authorization !== `Bearer ${this.o.token}`;
    const status = fault?.status ?? (unauthorised ? 401 : url.pathname === '/posts' ? 200 : 404);
    this.requests.push({ cursor, status, since, until });
    if (status !== 200) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault?.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      res.writeHead(status, headers).end(fault?.body ?? JSON.stringify({ error: `status ${status}` }));
      return;
    }
    const limit = Number(url.searchParams.get('limit') ?? this.o.pageSize);
    const window = this.items.filter(
      (i) => (!since || i.created_at >= since) && (!until || i.created_at < until),
    );
    const items = window.slice(cursor, cursor + limit);
    const next = cursor + items.length;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ items, next, more: next < window.length, gaps: this.gaps }));
  }
}

// A type alias (not an interface) so that it is assignable to the registry's Record<string, unknown>.
type FixtureOptions = { baseUrl: string; token?: string };

/**
 * The fixture platform's adapter: speaks HTTP to a FixtureServer and maps its answers onto the adapter
 * contract (429 → rate_limited with Retry-After, 401/403 → auth, 404/410 → gone, 5xx → temporary,
 * unparseable → malformed).
 */
export class FixtureAdapter implements SourceAdapter<FixtureOptions> {
  readonly description = 'Test adapter for a local fixture server.';
  readonly optionSpecs = [
    { name: 'baseUrl', type: 'url', required: true, secret: false, description: 'Fixture server URL' },
    { name: 'token', type: 'string', required: false, secret: true, description: 'Bearer token' },
  ] as const;

  constructor(
    readonly name = 'fixture',
    readonly supportsWindow = true,
  ) {}

  validateOptions(): [] {
    return [];
  }

  async health(options: FixtureOptions): Promise<HealthProbe> {
    const res = await fetch(new URL('/posts?limit=0', options.baseUrl));
    return { ok: res.ok, detail: `HTTP ${res.status}` };
  }

  async fetchPage(p: FetchPageParams<FixtureOptions>): Promise<FetchPageResult> {
    const url = new URL('/posts', p.options.baseUrl);
    url.searchParams.set('cursor', String(Number(p.cursor ?? 0)));
    if (p.since) url.searchParams.set('since', p.since.toISOString());
    if (p.until) url.searchParams.set('until', p.until.toISOString());
    const signals = [AbortSignal.timeout(p.timeoutMs), ...(p.signal ? [p.signal] : [])];
    let res: Response;
    try {
      res = await fetch(url, {
        headers: p.options.token ? { authorization: `Bearer ${p.options.token}` } : {},
        signal: AbortSignal.any(signals),
      });
    } catch (error) {
      if (p.signal?.aborted) throw error;
      throw new AdapterError('temporary', `fixture unreachable: ${(error as Error).message}`);
    }
    if (res.status === 429) {
      const seconds = Number(res.headers.get('retry-after') ?? '1');
      await res.body?.cancel();
      throw new AdapterError('rate_limited', 'fixture rate limit', seconds * 1000);
    }
    if (res.status === 401 || res.status === 403)
      throw new AdapterError('auth', `fixture said ${res.status}`);
    if (res.status === 404 || res.status === 410)
      throw new AdapterError('gone', `fixture said ${res.status}`);
    if (res.status >= 500) throw new AdapterError('temporary', `fixture said ${res.status}`);
    let body: {
      items: FixtureItem[];
      next: number;
      more: boolean;
      gaps?: { from: string; until: string; reason: string }[];
    };
    try {
      body = (await res.json()) as typeof body;
    } catch {
      throw new AdapterError('malformed', 'fixture answered something that is not JSON');
    }
    const posts: NormalisedPost[] = [];
    const rejected: { reason: string; raw: string }[] = [];
    for (const item of body.items) {
      if (item.id) posts.push(toPost(this.name, item.id, item));
      else rejected.push({ reason: 'item has no id', raw: JSON.stringify(item) });
    }
    const gaps = (body.gaps ?? []).map((g) => ({
      from: new Date(g.from),
      until: new Date(g.until),
      reason: g.reason,
    }));
    return { posts, rejected, nextCursor: body.next, exhausted: !body.more, gaps };
  }
}

function toPost(source: string, id: string, item: FixtureItem): NormalisedPost {
  return {
    source,
    externalId: id,
    url: `https://fixture.example/${id}`,
    authorId: item.author,
    authorHandle: item.author,
    text: item.text,
    lang: item.lang,
    createdAt: new Date(item.created_at),
    editedAt: null,
    deletedAt: null,
    isRepost: false,
    repostOf: null,
    isReply: false,
    replyTo: null,
    isQuote: false,
    quoteOf: null,
    hashtags: [...item.text.matchAll(/#([\p{L}\p{N}_]+)/gu)].map((m) => m[1].toLowerCase()),
    engagement: {},
    contentHash: createHash('sha256').update(item.text).digest('hex'),
  };
}

/** The fixture adapters every collection test app and child process installs. */
export function fixtureAdapters(): SourceAdapter[] {
  return [new FixtureAdapter('fixture', true), new FixtureAdapter('fixture-live', false)];
}
