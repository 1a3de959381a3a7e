import { Injectable } from '@nestjs/common';
import { InjectReadDataSource } from '../database/read-data-source.js';
import { DataSource } from 'typeorm';
import type { PostSort } from './posts.dto.js';
import { filterSql, type RollupFilter } from './series.repository.js';

export interface PostQuery {
  topicId: number;
  version: number;
  stance: string | null;
  from: number | null;
  to: number | null;
  filter: RollupFilter;
  /** Already a LIKE pattern with its wildcards escaped. */
  textPattern: string | null;
  sort: PostSort;
  after: { key: string; id: string } | null;
  limit: number;
}

export interface PostRow {
  id: string;
  source: string;
  url: string | null;
  author_handle: string | null;
  text: string;
  lang: string | null;
  created_at: Date;
  stance: string;
  stance_score: number;
  confidence: number;
  sentiment: number;
  sentiment_label: string;
  explanation: unknown;
  engagement: Record<string, unknown>;
  engagement_score: number;
  hashtags: string[];
  is_repost: boolean;
  is_reply: boolean;
  is_quote: boolean;
  /** The sort value as exact text, for the next page's cursor. */
  sort_key: string;
}

const ENGAGEMENT_FIELDS = ['likes', 'reposts', 'replies', 'quotes', 'score'];

/** Sum of the numeric engagement counters; a counter an adapter did not report (or not as a number) is 0. */
const ENGAGEMENT_SQL = `(${ENGAGEMENT_FIELDS.map(
  (f) =>
    `CASE WHEN jsonb_typeof(p.engagement->'${f}') = 'number' THEN (p.engagement->>'${f}')::float8 ELSE 0 END`,
).join(' + ')})`;

/** Per sort: the ordering expression, its exact text form, and the type to read a cursor's text back as. */
const SORTS: Record<PostSort, { expr: string; key: string; type: string }> = {
  recent: {
    expr: 'c.post_created_at',
    key: `to_char(c.post_created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    type: 'timestamptz',
  },
  confidence: { expr: 'c.confidence', key: 'c.confidence::text', type: 'real' },
  engagement: { expr: ENGAGEMENT_SQL, key: `${ENGAGEMENT_SQL}::text`, type: 'float8' },
};

/** Posts behind a series, with their classification. Deleted posts are never selected, so neither is their text. */
@Injectable()
export class PostsRepository {
  constructor(@InjectReadDataSource() private readonly db: DataSource) {}

  async page(q: PostQuery): Promise<PostRow[]> {
    const sort = SORTS[q.sort];
    const params: unknown[] = [q.topicId, q.version, q.limit];
    let where = '';
    const add = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (q.stance) where += ` AND c.stance = ${add(q.stance)}`;
    if (q.from !== null) where += ` AND c.post_created_at >= ${add(new Date(q.from).toISOString())}`;
    if (q.to !== null) where += ` AND c.post_created_at < ${add(new Date(q.to).toISOString())}`;
    if (q.textPattern !== null) where += ` AND p.text ILIKE ${add(q.textPattern)} ESCAPE '\\'`;
    if (q.after) {
      where += ` AND (${sort.expr}, c.post_id) < (${add(q.after.key)}::${sort.type}, ${add(q.after.id)}::bigint)`;
    }
    where += filterSql(q.filter, params, 'c');
    return this.db.query(
      `SELECT p.id, p.source, p.url, p.author_handle, p.text, p.lang, c.post_created_at AS created_at,
              c.stance, c.stance_score, c.confidence, c.sentiment, c.sentiment_label, c.explanation,
              p.engagement, ${ENGAGEMENT_SQL} AS engagement_score, p.hashtags, p.is_repost, p.is_reply, p.is_quote,
              ${sort.key} AS sort_key
         FROM classification c
         JOIN post p ON p.id = c.post_id AND p.deleted_at IS NULL
        WHERE c.topic_id = $1 AND c.lexicon_version = $2${where}
        ORDER BY ${sort.expr} DESC, c.post_id DESC
        LIMIT $3`,
      params,
    );
  }
}
