import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { stringOption } from '../adapter-support.js';
import { malformedPage, parseRetryAfter, SourceHttpClient } from '../http/source-http-client.js';
import type { Clock } from '../http/clock.js';
import { normalisedPost, type NormalisedPost } from '../normalised-post.js';
import { ItemProblem, mapItems } from '../paging/item-mapper.js';
import type {
  AdapterContext,
  AdapterOptionSpec,
  FetchPageParams,
  FetchPageResult,
  HealthProbe,
  OptionProblem,
  SourceAdapter,
} from '../source-adapter.js';
import { hashtagsIn, htmlToText, tidyText, uniqueTags } from '../text/plain-text.js';

export interface RssOptions {
  url?: string;
}

interface FeedCursor {
  etag?: string;
  lastModified?: string;
  /** Items of the last fetch by id, with a short hash of their text: new or changed items are posts. */
  seen?: Record<string, string>;
}

type Node = Record<string, unknown>;

const MAX_SEEN = 2000;

const URL_OPTION: AdapterOptionSpec = {
  name: 'url',
  type: 'url',
  required: true,
  secret: false,
  description: 'The RSS 2.0 or Atom feed, e.g. a news site’s tag or live-page feed.',
  example: 'https://www.theguardian.com/society/junior-doctors/rss',
};

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ['item', 'entry', 'category', 'link', 'dc:subject'].includes(name),
});

/**
 * RSS 2.0, RSS 1.0 and Atom feeds. Conditional GET with the last ETag / Last-Modified (a 304 is an empty
 * page); each item is a post; an item is collected again only when its text changed (an edit).
 */
export class RssAdapter implements SourceAdapter<RssOptions> {
  readonly name = 'rss';
  readonly description = 'An RSS or Atom feed; every item is a post of the topic.';
  readonly optionSpecs = [URL_OPTION] as const;
  readonly supportsWindow = false;
  private readonly http: SourceHttpClient;
  private readonly clock: Clock;

  constructor(context: AdapterContext) {
    this.clock = context.clock;
    this.http = new SourceHttpClient(
      {
        name: 'rss',
        readRateLimit: (h, status, now) => ({
          retryAfterMs: status === 429 || status === 503 ? parseRetryAfter(h['retry-after'], now) : undefined,
        }),
        describeError: (status) => `HTTP ${status}`,
        userAgent: 'Groundswell feed reader',
      },
      context.clock,
      context.retry,
    );
  }

  validateOptions(): OptionProblem[] {
    return [];
  }

  async health(options: RssOptions, signal?: AbortSignal): Promise<HealthProbe> {
    const url = stringOption(options as Record<string, unknown>, URL_OPTION);
    const res = await this.http.request({ url, timeoutMs: 10_000, signal, headers: { Accept: ACCEPT } });
    const feed = readFeed(res.body, url);
    return { ok: true, detail: `${feed.title ?? url}: ${feed.items.length} items` };
  }

  async fetchPage(params: FetchPageParams<RssOptions>): Promise<FetchPageResult> {
    const url = stringOption(params.options as Record<string, unknown>, URL_OPTION);
    const cursor = (params.cursor ?? {}) as FeedCursor;
    const res = await this.http.request({
      url,
      headers: {
        Accept: ACCEPT,
        ...(cursor.etag ? { 'If-None-Match': cursor.etag } : {}),
        ...(cursor.lastModified ? { 'If-Modified-Since': cursor.lastModified } : {}),
      },
      timeoutMs: params.timeoutMs,
      signal: params.signal,
      accept: [304],
    });
    if (res.status === 304)
      return { posts: [], rejected: [], nextCursor: cursor, exhausted: true, rateLimit: res.rateLimit };

    const feed = readFeed(res.body, url);
    const fetchedAt = new Date(this.clock.now());
    const seen = cursor.seen ?? {};
    const nowSeen: Record<string, string> = {};
    const mapped = mapItems(feed.items, (item) => {
      const post = toPost(item, feed, url, fetchedAt);
      const mark = post.contentHash.slice(0, 16);
      nowSeen[post.externalId] = mark;
      return seen[post.externalId] === mark ? null : post;
    });
    // Keep the marks of items that dropped out of the feed for a while, in case a feed pages or reorders.
    const carried = Object.entries(seen).filter(([id]) => !(id in nowSeen));
    const merged = Object.fromEntries([...Object.entries(nowSeen), ...carried].slice(0, MAX_SEEN));
    return {
      posts: mapped.posts,
      rejected: mapped.rejected,
      nextCursor: {
        etag: res.headers.etag,
        lastModified: res.headers['last-modified'],
        seen: merged,
      } satisfies FeedCursor,
      exhausted: true,
      rateLimit: res.rateLimit,
    };
  }
}

const ACCEPT = 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5';

interface Feed {
  kind: 'rss' | 'atom';
  title?: string;
  lang: string | null;
  items: Node[];
}

function readFeed(xml: string, url: string): Feed {
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw malformedPage(url, `not well-formed XML (${valid.err.msg}, line ${valid.err.line})`, xml);
  const doc = parser.parse(xml) as Node;
  const rss = doc.rss as Node | undefined;
  const rdf = doc['rdf:RDF'] as Node | undefined;
  const atom = doc.feed as Node | undefined;
  if (rss && typeof rss === 'object') {
    const channel = (rss.channel ?? {}) as Node;
    return {
      kind: 'rss',
      title: textOf(channel.title),
      lang: langOf(textOf(channel.language) ?? textOf(channel['dc:language'])),
      items: asNodes(channel.item),
    };
  }
  if (rdf && typeof rdf === 'object') {
    const channel = (rdf.channel ?? {}) as Node;
    return {
      kind: 'rss',
      title: textOf(channel.title),
      lang: langOf(textOf(channel['dc:language'])),
      items: asNodes(rdf.item),
    };
  }
  if (atom && typeof atom === 'object') {
    return {
      kind: 'atom',
      title: textOf(atom.title),
      lang: langOf(typeof atom['@_xml:lang'] === 'string' ? atom['@_xml:lang'] : undefined),
      items: asNodes(atom.entry),
    };
  }
  throw malformedPage(url, 'neither an RSS nor an Atom feed', xml);
}

function toPost(item: Node, feed: Feed, feedUrl: string, fetchedAt: Date): NormalisedPost {
  const atom = feed.kind === 'atom';
  const link = atom ? atomLink(item.link) : textOf(firstOf(item.link));
  const guid = textOf(item.guid) ?? textOf(item.id) ?? (item['@_rdf:about'] as string | undefined);
  const externalId = guid ?? link;
  if (!externalId) throw new ItemProblem('item has no guid, id or link');
  const title = textOf(item.title) ?? '';
  const html =
    textOf(item['content:encoded']) ??
    textOf(item.content) ??
    textOf(item.description) ??
    textOf(item.summary) ??
    '';
  const text = tidyText([htmlToText(title), htmlToText(html)].filter(Boolean).join('\n\n'));
  const published =
    textOf(item.pubDate) ?? textOf(item['dc:date']) ?? textOf(item.published) ?? textOf(item.updated);
  const updated = atom ? textOf(item.updated) : undefined;
  const createdAt = parseDate(published) ?? fetchedAt;
  const editedAt = updated && published && updated !== published ? parseDate(updated) : null;
  const categories = [...asArray(item.category), ...asArray(item['dc:subject'])]
    .map((c) => (typeof c === 'object' && c !== null ? ((c as Node)['@_term'] ?? (c as Node)['#text']) : c))
    .filter((c): c is string => typeof c === 'string')
    .map((c) => c.replace(/[^\p{L}\p{N}_]/gu, ''));
  const author = atom
    ? textOf((item.author as Node | undefined)?.name)
    : (textOf(item['dc:creator']) ?? textOf(item.author));
  return normalisedPost({
    source: 'rss',
    externalId,
    url: link ? new URL(link, feedUrl).toString() : null,
    authorId: null,
    authorHandle: author ?? null,
    text,
    lang: feed.lang,
    createdAt,
    editedAt: editedAt ?? null,
    hashtags: uniqueTags([...hashtagsIn(text), ...categories]),
    engagement: {},
  });
}

/** Atom's alternate link (or the first link without a rel). */
function atomLink(links: unknown): string | undefined {
  const list = asArray(links).filter((l): l is Node => typeof l === 'object' && l !== null);
  const alt =
    list.find((l) => l['@_rel'] === 'alternate') ?? list.find((l) => l['@_rel'] === undefined) ?? list[0];
  return typeof alt?.['@_href'] === 'string' ? alt['@_href'] : undefined;
}

function textOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number') return String(v);
  if (v && typeof v === 'object' && '#text' in v) return textOf((v as Node)['#text']);
  return undefined;
}

function firstOf(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

function asArray(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function asNodes(v: unknown): Node[] {
  return asArray(v).map((n) => (n && typeof n === 'object' ? (n as Node) : { '#text': n }));
}

function langOf(v: string | undefined): string | null {
  const m = v ? /^([a-z]{2,3})\b/i.exec(v) : null;
  return m ? m[1].toLowerCase() : null;
}

/** RFC 822 (`Wed, 31 Jan 2018 07:26:05 GMT`) and ISO 8601 dates. */
function parseDate(v: string | undefined): Date | undefined {
  if (!v) return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
