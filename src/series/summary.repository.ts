import { Injectable } from '@nestjs/common';
import { InjectReadDataSource } from '../database/read-data-source.js';
import { DataSource } from 'typeorm';
import { filterSql, type RollupFilter } from './series.repository.js';

export type Side = 'support' | 'oppose';

export interface SideTermRow {
  side: Side;
  term: string;
  posts: number;
}

export interface RawScope {
  topicId: number;
  version: number;
  from: number;
  to: number;
  filter: RollupFilter;
}

/** The summary's word counts: these need the posts themselves, not the rollups. Deleted posts never count. */
@Injectable()
export class SummaryRepository {
  constructor(@InjectReadDataSource() private readonly db: DataSource) {}

  /** The most frequent hashtags among posts classified on each side. */
  async topHashtags(scope: RawScope, perSide: number): Promise<SideTermRow[]> {
    const params = baseParams(scope, perSide);
    const where = filterSql(scope.filter, params, 'c');
    return this.db.query(
      `SELECT side, term, posts FROM (
         SELECT c.stance AS side, t.tag AS term, count(DISTINCT c.post_id)::int AS posts,
                row_number() OVER (PARTITION BY c.stance ORDER BY count(DISTINCT c.post_id) DESC, t.tag) AS rank
           FROM classification c
           JOIN post p ON p.id = c.post_id AND p.deleted_at IS NULL
           CROSS JOIN LATERAL unnest(p.hashtags) AS t(tag)
          WHERE c.topic_id = $1 AND c.lexicon_version = $2 AND c.post_created_at >= $3 AND c.post_created_at < $4
            AND c.stance IN ('support', 'oppose')${where}
          GROUP BY c.stance, t.tag) x
        WHERE rank <= $5
        ORDER BY side, rank`,
      params,
    );
  }

  /** The stance cues (explanation items with rule `cue`) that counted most often for each side. */
  async topCueTerms(scope: RawScope, perSide: number): Promise<SideTermRow[]> {
    const params = baseParams(scope, perSide);
    const where = filterSql(scope.filter, params, 'c');
    return this.db.query(
      `SELECT side, term, posts FROM (
         SELECT e.item->>'side' AS side, lower(e.item->>'text') AS term, count(DISTINCT c.post_id)::int AS posts,
                row_number() OVER (PARTITION BY e.item->>'side'
                                   ORDER BY count(DISTINCT c.post_id) DESC, lower(e.item->>'text')) AS rank
           FROM classification c
           JOIN post p ON p.id = c.post_id AND p.deleted_at IS NULL
           CROSS JOIN LATERAL jsonb_array_elements(
             CASE WHEN jsonb_typeof(c.explanation) = 'array' THEN c.explanation ELSE '[]'::jsonb END) AS e(item)
          WHERE c.topic_id = $1 AND c.lexicon_version = $2 AND c.post_created_at >= $3 AND c.post_created_at < $4
            AND jsonb_typeof(e.item) = 'object' AND e.item->>'rule' = 'cue'
            AND e.item->>'side' IN ('support', 'oppose') AND COALESCE(e.item->>'text', '') <> ''${where}
          GROUP BY 1, 2) x
        WHERE rank <= $5
        ORDER BY side, rank`,
      params,
    );
  }
}

function baseParams(scope: RawScope, perSide: number): unknown[] {
  return [
    scope.topicId,
    scope.version,
    new Date(scope.from).toISOString(),
    new Date(scope.to).toISOString(),
    perSide,
  ];
}
