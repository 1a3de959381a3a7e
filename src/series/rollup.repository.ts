import type { EntityManager } from 'typeorm';
import type { Stance } from '../classification/post-classifier.js';

export const BUCKET_MS = 15 * 60 * 1000;

/** The 15-minute UTC bucket a moment falls in. */
export function bucketOf(date: Date): Date {
  return new Date(Math.floor(date.getTime() / BUCKET_MS) * BUCKET_MS);
}

/** One classification entering (+1) or leaving (-1) the counts. */
export interface RollupDelta {
  topicId: number;
  lexiconVersion: number;
  postCreatedAt: Date;
  source: string;
  lang: string | null;
  isRepost: boolean;
  stance: Stance;
  sentiment: number;
  sign: 1 | -1;
}

interface Aggregate {
  topicId: number;
  version: number;
  bucket: number;
  source: string;
  lang: string;
  isRepost: boolean;
  support: number;
  oppose: number;
  neutral: number;
  sentiment: number;
}

/**
 * Keeps the 15-minute rollups equal to a count over the classification rows. Callers pass the deltas of the
 * rows they changed, inside the same transaction as the change.
 */
export async function applyRollupDeltas(m: EntityManager, deltas: readonly RollupDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const byKey = new Map<string, Aggregate>();
  for (const d of deltas) {
    const bucket = Math.floor(d.postCreatedAt.getTime() / BUCKET_MS) * BUCKET_MS;
    const lang = d.lang ?? '';
    const key = `${d.topicId}\u0000${d.lexiconVersion}\u0000${bucket}\u0000${d.source}\u0000${lang}\u0000${d.isRepost}`;
    let a = byKey.get(key);
    if (!a) {
      a = {
        topicId: d.topicId,
        version: d.lexiconVersion,
        bucket,
        source: d.source,
        lang,
        isRepost: d.isRepost,
        support: 0,
        oppose: 0,
        neutral: 0,
        sentiment: 0,
      };
      byKey.set(key, a);
    }
    a[d.stance] += d.sign;
    a.sentiment += d.sign * d.sentiment;
  }
  // A fixed order of keys keeps concurrent writers from deadlocking on the same rollup rows.
  const rows = [...byKey.values()]
    .filter((a) => a.support !== 0 || a.oppose !== 0 || a.neutral !== 0 || a.sentiment !== 0)
    .sort(
      (x, y) =>
        x.topicId - y.topicId ||
        x.version - y.version ||
        x.bucket - y.bucket ||
        cmp(x.source, y.source) ||
        cmp(x.lang, y.lang) ||
        Number(x.isRepost) - Number(y.isRepost),
    );
  const CHUNK = 5000;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    await m.query(
      `INSERT INTO rollup AS r (topic_id, lexicon_version, bucket, source, lang, is_repost, support, oppose, neutral, sentiment_sum)
       SELECT * FROM unnest($1::bigint[], $2::int[], $3::timestamptz[], $4::text[], $5::text[], $6::bool[], $7::int[], $8::int[], $9::int[], $10::float8[])
       ON CONFLICT ON CONSTRAINT rollup_pk DO UPDATE SET
         support = r.support + EXCLUDED.support,
         oppose = r.oppose + EXCLUDED.oppose,
         neutral = r.neutral + EXCLUDED.neutral,
         sentiment_sum = r.sentiment_sum + EXCLUDED.sentiment_sum`,
      [
        chunk.map((a) => a.topicId),
        chunk.map((a) => a.version),
        chunk.map((a) => new Date(a.bucket).toISOString()),
        chunk.map((a) => a.source),
        chunk.map((a) => a.lang),
        chunk.map((a) => a.isRepost),
        chunk.map((a) => a.support),
        chunk.map((a) => a.oppose),
        chunk.map((a) => a.neutral),
        chunk.map((a) => a.sentiment),
      ],
    );
  }
}

/** Rebuilds one topic version's rollups from its classification rows (after a rescore, or to repair). */
export async function rebuildRollups(
  m: EntityManager,
  topicId: number,
  lexiconVersion: number,
): Promise<void> {
  await m.query(`DELETE FROM rollup WHERE topic_id = $1 AND lexicon_version = $2`, [topicId, lexiconVersion]);
  await m.query(
    `INSERT INTO rollup (topic_id, lexicon_version, bucket, source, lang, is_repost, support, oppose, neutral, sentiment_sum)
     SELECT topic_id, lexicon_version,
            to_timestamp(floor(extract(epoch FROM post_created_at) / 900) * 900),
            source, COALESCE(lang, ''), is_repost,
            count(*) FILTER (WHERE stance = 'support'),
            count(*) FILTER (WHERE stance = 'oppose'),
            count(*) FILTER (WHERE stance = 'neutral'),
            sum(sentiment)
       FROM classification
      WHERE topic_id = $1 AND lexicon_version = $2
      GROUP BY 1, 2, 3, 4, 5, 6`,
    [topicId, lexiconVersion],
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
