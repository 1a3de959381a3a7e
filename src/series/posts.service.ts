import { Injectable } from '@nestjs/common';
import { FieldValidationError, type FieldError } from '../http/problem-details.js';
import { formatInstant } from './series-buckets.js';
import { SeriesParamsParser } from './series-params.js';
import {
  type ExplanationItemView,
  type PostPage,
  POST_SORTS,
  type PostSort,
  type PostsQuery,
  type PostView,
} from './posts.dto.js';
import { type PostRow, PostsRepository } from './posts.repository.js';

const STANCES = ['support', 'oppose', 'neutral'];
const MAX_TEXT_QUERY = 200;
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

/** What a cursor carries: the sort it belongs to and the last item's sort value and id. */
interface CursorState {
  s: PostSort;
  k: string;
  id: string;
}

const KEY_FORMAT: Record<PostSort, RegExp> = {
  recent: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/,
  confidence: /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i,
  engagement: /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i,
};

/** The posts behind a series: classified, explained and linked, newest (or most engaging, or surest) first. */
@Injectable()
export class PostsService {
  constructor(
    private readonly repo: PostsRepository,
    private readonly parser: SeriesParamsParser,
  ) {}

  async page(slug: string, q: PostsQuery): Promise<PostPage> {
    const topic = await this.parser.topic(slug);
    const errors: FieldError[] = [];
    const tz = this.parser.zone(q.tz, topic.timezone, errors);
    const version = await this.parser.version(q.version, topic, errors);
    const filter = await this.parser.filter(q, topic, version, errors);
    const range =
      q.from || q.to ? this.parser.instants(q, tz, { days: 36_500 }, Date.now(), errors) : undefined;
    const stance = this.stance(q.stance, errors);
    const sort = this.sort(q.sort, errors);
    const limit = this.limit(q.limit, errors);
    const after = this.cursor(q.cursor, sort, errors);
    let textPattern: string | null = null;
    if (q.q !== undefined && q.q.trim() !== '') {
      if (q.q.length > MAX_TEXT_QUERY)
        errors.push({ field: 'q', message: `q is longer than ${MAX_TEXT_QUERY} characters` });
      else textPattern = `%${q.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    }
    if (errors.length) throw new FieldValidationError(errors);

    const rows = await this.repo.page({
      topicId: topic.id,
      version,
      stance,
      from: range && q.from ? range.from : null,
      to: range && q.to ? range.to : null,
      filter,
      textPattern,
      sort,
      after,
      limit: limit + 1,
    });
    const more = rows.length > limit;
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      topic: topic.slug,
      version,
      sort,
      items: items.map((r) => postView(r, tz)),
      nextCursor: more && last ? encodeCursor({ s: sort, k: last.sort_key, id: String(last.id) }) : null,
    };
  }

  private stance(value: string | undefined, errors: FieldError[]): string | null {
    if (value === undefined || value === '') return null;
    if (STANCES.includes(value)) return value;
    errors.push({ field: 'stance', message: 'stance must be support, oppose or neutral' });
    return null;
  }

  private sort(value: string | undefined, errors: FieldError[]): PostSort {
    if (value === undefined || value === '') return 'recent';
    if ((POST_SORTS as readonly string[]).includes(value)) return value as PostSort;
    errors.push({ field: 'sort', message: `sort must be one of ${POST_SORTS.join(', ')}` });
    return 'recent';
  }

  private limit(value: string | undefined, errors: FieldError[]): number {
    if (value === undefined || value === '') return DEFAULT_LIMIT;
    const n = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
    if (n >= 1 && n <= MAX_LIMIT) return n;
    errors.push({ field: 'limit', message: `limit must be a whole number from 1 to ${MAX_LIMIT}` });
    return DEFAULT_LIMIT;
  }

  private cursor(
    value: string | undefined,
    sort: PostSort,
    errors: FieldError[],
  ): { key: string; id: string } | null {
    if (value === undefined || value === '') return null;
    const state = decodeCursor(value);
    if (!state) {
      errors.push({ field: 'cursor', message: 'cursor is not one this server gave out' });
      return null;
    }
    if (state.s !== sort) {
      errors.push({
        field: 'cursor',
        message: `cursor belongs to sort=${state.s}; ask again with that sort`,
      });
      return null;
    }
    return { key: state.k, id: state.id };
  }
}

export function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

function decodeCursor(value: string): CursorState | undefined {
  if (value.length > 200 || !/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Record<string, unknown>;
    const { s, k, id } = parsed;
    if (typeof s !== 'string' || !(POST_SORTS as readonly string[]).includes(s)) return undefined;
    if (typeof k !== 'string' || !KEY_FORMAT[s as PostSort].test(k)) return undefined;
    if (typeof id !== 'string' || !/^\d{1,18}$/.test(id)) return undefined;
    return { s: s as PostSort, k, id };
  } catch {
    return undefined;
  }
}

function postView(r: PostRow, tz: string): PostView {
  return {
    id: Number(r.id),
    source: r.source,
    url: r.url,
    author: r.author_handle,
    text: r.text,
    lang: r.lang,
    createdAt: formatInstant(new Date(r.created_at).getTime(), tz),
    stance: r.stance,
    stanceScore: round4(r.stance_score),
    confidence: round4(r.confidence),
    sentiment: round4(r.sentiment),
    sentimentLabel: r.sentiment_label,
    explanation: Array.isArray(r.explanation) ? (r.explanation as ExplanationItemView[]) : [],
    engagement: r.engagement,
    engagementScore: Number(r.engagement_score),
    hashtags: r.hashtags,
    isRepost: r.is_repost,
    isReply: r.is_reply,
    isQuote: r.is_quote,
  };
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
