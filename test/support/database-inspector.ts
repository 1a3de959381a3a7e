import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** Runs SQL against a test database from outside the application under test. */
export interface Inspector {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Opens a PostgreSQL database by URL, or an embedded PGlite data folder (only while no application holds it:
 * PGlite serves one process).
 */
export async function inspect(target: { url?: string; dataDir?: string }): Promise<Inspector> {
  if (target.url) {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    return {
      query: async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
      close: () => client.end(),
    };
  }
  const db = await PGlite.create({ dataDir: join(target.dataDir!, 'pglite') });
  return {
    query: async <T>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows,
    close: () => db.close(),
  };
}

/** The totals a crash must never disturb, for one topic and source. */
export async function integrity(db: Inspector, topicId: number, source: string) {
  const [posts] = await db.query<{ n: number; distinct_ids: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT external_id)::int AS distinct_ids FROM post WHERE source = $1`,
    [source],
  );
  const [classified] = await db.query<{ n: number; posts: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT post_id)::int AS posts FROM classification WHERE topic_id = $1`,
    [topicId],
  );
  const [rollup] = await db.query(
    `SELECT COALESCE(sum(support), 0)::int AS support, COALESCE(sum(oppose), 0)::int AS oppose,
            COALESCE(sum(neutral), 0)::int AS neutral FROM rollup WHERE topic_id = $1`,
    [topicId],
  );
  const [raw] = await db.query(
    `SELECT count(*) FILTER (WHERE stance = 'support')::int AS support, count(*) FILTER (WHERE stance = 'oppose')::int AS oppose,
            count(*) FILTER (WHERE stance = 'neutral')::int AS neutral FROM classification WHERE topic_id = $1`,
    [topicId],
  );
  // Per bucket too: equal totals could hide a bucket counted twice and another missed.
  const [mismatch] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (
       SELECT bucket, source, lang, is_repost, support, oppose, neutral FROM rollup WHERE topic_id = $1 AND (support + oppose + neutral) > 0
       EXCEPT
       SELECT to_timestamp(floor(extract(epoch FROM post_created_at) / 900) * 900), source, COALESCE(lang, ''), is_repost,
              count(*) FILTER (WHERE stance = 'support'), count(*) FILTER (WHERE stance = 'oppose'), count(*) FILTER (WHERE stance = 'neutral')
         FROM classification WHERE topic_id = $1 GROUP BY 1, 2, 3, 4) d`,
    [topicId],
  );
  // classification has no foreign keys (its writers and triggers keep the links): none may point nowhere.
  const [orphans] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM classification c
      WHERE NOT EXISTS (SELECT 1 FROM post p WHERE p.id = c.post_id)
         OR NOT EXISTS (SELECT 1 FROM topic t WHERE t.id = c.topic_id)`,
  );
  return {
    posts,
    classified,
    rollup,
    raw,
    mismatchedBuckets: mismatch.n,
    orphanedClassifications: orphans.n,
  };
}
