import type { DataSource } from 'typeorm';
import { applyRollupDeltas, rebuildRollups } from '../../src/series/rollup.repository.js';
import { engine } from '../support/databases.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { createTopic, deletePosts, many, seedPosts } from './series-fixtures.js';

/** The hourly tables must always equal the hourly sums of the 15-minute ones, whoever writes those. */
async function rollupMismatches(db: DataSource): Promise<unknown[]> {
  return db.query(
    `WITH expected AS (
       SELECT topic_id, lexicon_version, date_bin('1 hour', bucket, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket,
              source, is_repost, sum(support)::int AS support, sum(oppose)::int AS oppose, sum(neutral)::int AS neutral,
              round(sum(sentiment_sum)::numeric, 4) AS sentiment
         FROM rollup GROUP BY 1, 2, 3, 4, 5),
     actual AS (
       SELECT topic_id, lexicon_version, bucket, source, is_repost, support, oppose, neutral,
              round(sentiment_sum::numeric, 4) AS sentiment
         FROM rollup_hourly WHERE support <> 0 OR oppose <> 0 OR neutral <> 0 OR round(sentiment_sum::numeric, 4) <> 0)
     (SELECT * FROM expected WHERE support <> 0 OR oppose <> 0 OR neutral <> 0 OR sentiment <> 0 EXCEPT SELECT * FROM actual)
     UNION ALL
     (SELECT * FROM actual EXCEPT SELECT * FROM expected)`,
  );
}

async function coverageMismatches(db: DataSource): Promise<unknown[]> {
  return db.query(
    `WITH expected AS (
       SELECT topic_source_id, date_bin('1 hour', bucket, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket,
              count(*) FILTER (WHERE status = 'ok')::int AS ok,
              count(*) FILTER (WHERE status IN ('partial', 'rate_limited'))::int AS partial,
              count(*) FILTER (WHERE status = 'failed')::int AS failed
         FROM source_coverage GROUP BY 1, 2),
     actual AS (SELECT topic_source_id, bucket, ok, partial, failed FROM source_coverage_hourly
                 WHERE ok <> 0 OR partial <> 0 OR failed <> 0)
     (SELECT * FROM expected EXCEPT SELECT * FROM actual) UNION ALL (SELECT * FROM actual EXCEPT SELECT * FROM expected)`,
  );
}

describe(`hourly rollups and coverage follow their 15-minute tables (${engine})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('through ingestion deltas, rebuilds, deletions, direct updates and topic deletion', async () => {
    const a = await createTopic(t, 'hourly-a');
    const b = await createTopic(t, 'hourly-b');
    await seedPosts(t, a, [
      ...many('x', 5, '2016-04-26T08:05:00Z', 'support', { sentiment: 0.25 }),
      ...many('y', 3, '2016-04-26T08:50:00Z', 'oppose', { source: 'bluesky', isRepost: true }),
      ...many('z', 2, '2016-04-26T09:10:00Z', 'neutral', { lang: 'fr' }),
    ]);
    await seedPosts(t, b, many('w', 4, '2016-04-26T08:20:00Z', 'support'));
    expect(await rollupMismatches(t.db)).toEqual([]);
    const [{ n }] = await t.db.query(
      `SELECT count(*)::int AS n FROM rollup_hourly WHERE support + oppose + neutral > 0`,
    );
    expect(n).toBeGreaterThan(0);

    await deletePosts(t, a, [{ id: 'x-0', at: '2016-04-26T08:05:00Z', stance: 'support' }]);
    await t.db.transaction((m) =>
      applyRollupDeltas(m, [
        {
          topicId: a,
          lexiconVersion: 1,
          postCreatedAt: new Date('2016-04-26T10:59:00Z'),
          source: 'rss',
          lang: null,
          isRepost: false,
          stance: 'oppose',
          sentiment: -0.5,
          sign: 1,
        },
      ]),
    );
    await t.db.query(`UPDATE rollup SET support = support + 2 WHERE topic_id = $1 AND source = 'mastodon'`, [
      a,
    ]);
    expect(await rollupMismatches(t.db)).toEqual([]);
    await t.db.query(`DELETE FROM rollup WHERE topic_id = $1 AND source = 'bluesky'`, [a]);
    await t.db.transaction((m) => rebuildRollups(m, a, 1));
    expect(await rollupMismatches(t.db)).toEqual([]);

    expect((await t.http.delete('/api/v1/topics/hourly-b').set(t.admin)).status).toBe(204);
    expect(await t.db.query(`SELECT 1 FROM rollup_hourly WHERE topic_id = $1`, [b])).toEqual([]);
    expect(await rollupMismatches(t.db)).toEqual([]);
  });

  it('coverage counts follow inserts, status changes by upsert, deletes and removed sources', async () => {
    const topic = await createTopic(t, 'hourly-cov');
    const sources = await t.db.query(
      `INSERT INTO topic_source (topic_id, adapter) VALUES ($1, 'mastodon'), ($1, 'bluesky') RETURNING id::int AS id`,
      [topic],
    );
    const [m, bs] = sources.map((r: { id: number }) => r.id);
    await t.db.query(
      `INSERT INTO source_coverage (topic_source_id, bucket, status)
       SELECT $1::bigint, b, 'ok' FROM generate_series(TIMESTAMPTZ '2016-04-26 08:00Z', TIMESTAMPTZ '2016-04-26 10:45Z', interval '15 minutes') b
       UNION ALL SELECT $2::bigint, TIMESTAMPTZ '2016-04-26 08:15Z', 'rate_limited'`,
      [m, bs],
    );
    expect(await coverageMismatches(t.db)).toEqual([]);
    // A later run revisits slots: the collection helper's upsert changes their status.
    await t.db.query(
      `INSERT INTO source_coverage (topic_source_id, bucket, status) VALUES ($1::bigint, '2016-04-26 08:15Z', 'failed'), ($1::bigint, '2016-04-26 11:00Z', 'partial')
       ON CONFLICT ON CONSTRAINT source_coverage_pk DO UPDATE SET status = EXCLUDED.status`,
      [m],
    );
    expect(await coverageMismatches(t.db)).toEqual([]);
    const [row] = await t.db.query(
      `SELECT ok, partial, failed FROM source_coverage_hourly WHERE topic_source_id = $1 AND bucket = '2016-04-26 08:00Z'`,
      [m],
    );
    expect(row).toEqual({ ok: 3, partial: 0, failed: 1 });
    await t.db.query(
      `DELETE FROM source_coverage WHERE topic_source_id = $1 AND bucket >= '2016-04-26 10:00Z'`,
      [m],
    );
    expect(await coverageMismatches(t.db)).toEqual([]);
    await t.db.query(`DELETE FROM topic_source WHERE id = $1`, [bs]);
    expect(await coverageMismatches(t.db)).toEqual([]);
    expect(await t.db.query(`SELECT 1 FROM source_coverage_hourly WHERE topic_source_id = $1`, [bs])).toEqual(
      [],
    );
  });
});
