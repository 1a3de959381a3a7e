import type { DataSource } from 'typeorm';

/** Rollup totals and the same totals counted over the raw classification rows, for one topic. */
export async function rollupVersusRaw(db: DataSource, topicId: number) {
  const [rollup] = await db.query(
    `SELECT COALESCE(sum(support), 0)::int AS support, COALESCE(sum(oppose), 0)::int AS oppose, COALESCE(sum(neutral), 0)::int AS neutral
       FROM rollup WHERE topic_id = $1`,
    [topicId],
  );
  const [raw] = await db.query(
    `SELECT count(*) FILTER (WHERE stance = 'support')::int AS support, count(*) FILTER (WHERE stance = 'oppose')::int AS oppose,
            count(*) FILTER (WHERE stance = 'neutral')::int AS neutral
       FROM classification WHERE topic_id = $1`,
    [topicId],
  );
  return { rollup, raw };
}
