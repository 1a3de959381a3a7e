import pg from 'pg';
import { RescoreService } from '../../src/classification/rescore.service.js';
import { IngestionService } from '../../src/collection/ingestion.service.js';
import { engine } from '../support/databases.js';
import { makePost } from '../support/post-fixtures.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { topicBody } from '../support/topic-fixtures.js';

const stanceV1 = {
  support: {
    label: 'For',
    targets: [{ name: 'Doctors', aliases: ['doctors'] }],
    cues: [{ term: '#notfairnotsafe', weight: 2 }],
  },
  oppose: {
    label: 'Against',
    targets: [{ name: 'Hunt', aliases: ['hunt'] }],
    cues: [{ term: 'back to work', weight: 2 }],
  },
};
// Version 2 learns a new support cue, so posts carrying it change from neutral to support.
const stanceV2 = {
  ...stanceV1,
  support: { ...stanceV1.support, cues: [...stanceV1.support.cues, { term: '#solidarity', weight: 2 }] },
};

/** Rollups of one version against the same counts over its classification rows, bucket by bucket. */
async function rollupMismatches(t: TestApp, topicId: number, version: number): Promise<unknown[]> {
  return t.db.query(
    `WITH raw AS (
       SELECT to_timestamp(floor(extract(epoch FROM post_created_at) / 900) * 900) AS bucket, source, COALESCE(lang, '') AS lang,
              is_repost, count(*) FILTER (WHERE stance = 'support')::int AS support,
              count(*) FILTER (WHERE stance = 'oppose')::int AS oppose, count(*) FILTER (WHERE stance = 'neutral')::int AS neutral
         FROM classification WHERE topic_id = $1 AND lexicon_version = $2 GROUP BY 1, 2, 3, 4),
     roll AS (
       SELECT bucket, source, lang, is_repost, support, oppose, neutral FROM rollup
        WHERE topic_id = $1 AND lexicon_version = $2 AND (support <> 0 OR oppose <> 0 OR neutral <> 0))
     SELECT * FROM raw FULL JOIN roll USING (bucket, source, lang, is_repost)
      WHERE raw.support IS DISTINCT FROM roll.support OR raw.oppose IS DISTINCT FROM roll.oppose
         OR raw.neutral IS DISTINCT FROM roll.neutral`,
    [topicId, version],
  );
}

async function waitForRun(t: TestApp, runId: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const run = (await t.http.get(`/api/v1/runs/${runId}`)).body as Record<string, unknown>;
    if (run.status !== 'running' && run.status !== 'queued') return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${String(run.status)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function posts(prefix: string, n: number, start = 0) {
  const texts = [
    'Doctors deserve better #notfairnotsafe #juniorcontract',
    'Get back to work #juniorcontract',
    'Marching today #solidarity #juniorcontract',
    'Hunt is a disgrace #juniorcontract',
    'Strike day #juniorcontract',
  ];
  return Array.from({ length: n }, (_, i) =>
    makePost({
      externalId: `${prefix}${start + i}`,
      text: texts[(start + i) % texts.length],
      createdAt: new Date(Date.UTC(2016, 3, 26, 8, (start + i) * 7)),
      source: i % 3 === 0 ? 'mastodon' : 'test',
      lang: i % 4 === 0 ? null : 'en',
      isRepost: i % 5 === 0,
    }),
  );
}

describe('versions and rescoring', () => {
  let t: TestApp;
  let ingestion: IngestionService;

  beforeAll(async () => {
    t = await createTestApp();
    ingestion = t.app.get(IngestionService);
  });
  afterAll(async () => {
    await t.close();
  });

  it('changing the stance rescored every post in a background run, then switched over atomically', async () => {
    const created = await t.http
      .post('/api/v1/topics')
      .set(t.admin)
      .send(
        topicBody({
          slug: 'jc',
          query: { hashtags: ['juniorcontract'], keywords: [], exclude: [], languages: [] },
          stance: stanceV1,
        }),
      );
    const topicId: number = created.body.id;
    ingestion.invalidateTopics();
    await ingestion.ingest({ posts: posts('a', 40), originTopicId: topicId });
    const [{ v1 }] = await t.db.query(
      `SELECT count(*)::int AS v1 FROM classification WHERE topic_id = $1 AND lexicon_version = 1`,
      [topicId],
    );
    expect(v1).toBe(40);
    const v1Before = await t.db.query(
      `SELECT stance, count(*)::int AS n FROM classification WHERE topic_id = $1 AND lexicon_version = 1 GROUP BY 1 ORDER BY 1`,
      [topicId],
    );

    // On PostgreSQL the rescore of 40 posts can finish before the next page arrives. Another session holds a
    // key-share lock on the topic, so the switch-over (which locks the topic for update) waits until the page
    // below is in. PGlite serves one connection at a time: there is no second session to hold it.
    const holder = engine === 'postgres' ? new pg.Client({ connectionString: t.database.url }) : undefined;
    await holder?.connect();
    await holder?.query('BEGIN');
    await holder?.query('SELECT 1 FROM topic WHERE id = $1 FOR KEY SHARE', [topicId]);
    try {
      const patched = await t.http.patch('/api/v1/topics/jc').set(t.admin).send({ stance: stanceV2 });
      expect(patched.status).toBe(200);
      // Posts arriving while the new version builds are scored under both versions by ingestion.
      await ingestion.ingest({ posts: posts('b', 10, 40), originTopicId: topicId });
    } finally {
      await holder?.query('COMMIT');
      await holder?.end();
    }

    const versions = (await t.http.get('/api/v1/topics/jc/stance-versions')).body as {
      version: number;
      rescoreRunId: number | null;
    }[];
    const runId = versions.find((v) => v.version === 2)?.rescoreRunId;
    expect(runId).toEqual(expect.any(Number));
    const run = await waitForRun(t, runId as number);
    expect(run).toMatchObject({ kind: 'rescore', status: 'succeeded', adapter: 'classifier' });
    expect(run.progress).toMatchObject({ version: 2, fromVersion: 1 });
    expect(Number(run.inserted) + Number(run.duplicates)).toBe(Number(run.fetched));

    const topic = (await t.http.get('/api/v1/topics/jc')).body;
    expect(topic.stanceVersion).toBe(2);
    const after = (await t.http.get('/api/v1/topics/jc/stance-versions')).body;
    expect(
      after.map((v: { version: number; status: string; classified: number }) => [
        v.version,
        v.status,
        v.classified,
      ]),
    ).toEqual([
      [1, 'retired', 50],
      [2, 'active', 50],
    ]);
    // The new version: one row per post, no post twice, and rollups equal to the rows.
    const [{ rows, distinct }] = await t.db.query(
      `SELECT count(*)::int AS rows, count(DISTINCT post_id)::int AS distinct FROM classification WHERE topic_id = $1 AND lexicon_version = 2`,
      [topicId],
    );
    expect({ rows, distinct }).toEqual({ rows: 50, distinct: 50 });
    expect(await rollupMismatches(t, topicId, 2)).toEqual([]);
    // The new cue changed what the posts carrying it count as.
    const solidarity = await t.db.query(
      `SELECT c.lexicon_version AS v, c.stance FROM classification c JOIN post p ON p.id = c.post_id
        WHERE p.text LIKE '%#solidarity%' AND c.topic_id = $1 GROUP BY 1, 2 ORDER BY 1`,
      [topicId],
    );
    expect(solidarity).toEqual([
      { v: 1, stance: 'neutral' },
      { v: 2, stance: 'support' },
    ]);
    // The retired version is kept, rows and rollups, readable as before.
    const v1After = await t.db.query(
      `SELECT stance, count(*)::int AS n FROM classification WHERE topic_id = $1 AND lexicon_version = 1 AND post_id IN
         (SELECT id FROM post WHERE external_id LIKE 'a%') GROUP BY 1 ORDER BY 1`,
      [topicId],
    );
    expect(v1After).toEqual(v1Before);
    expect(await rollupMismatches(t, topicId, 1)).toEqual([]);

    // From now on new posts join the active version only.
    await ingestion.ingest({ posts: posts('c', 3, 60), originTopicId: topicId });
    const fresh = await t.db.query(
      `SELECT DISTINCT c.lexicon_version AS v FROM classification c JOIN post p ON p.id = c.post_id WHERE p.external_id LIKE 'c%'`,
    );
    expect(fresh).toEqual([{ v: 2 }]);
    expect(await rollupMismatches(t, topicId, 2)).toEqual([]);
  });

  it('rows ingestion wrote during the build are not inserted twice, and a second request changes nothing', async () => {
    const created = await t.http
      .post('/api/v1/topics')
      .set(t.admin)
      .send(
        topicBody({
          slug: 'jc2',
          query: { hashtags: ['juniorcontract'], keywords: [], exclude: [], languages: [] },
          stance: stanceV1,
        }),
      );
    const topicId: number = created.body.id;
    // Ingestion caches topics for a few seconds; this one is brand new.
    ingestion.invalidateTopics();
    await ingestion.ingest({ posts: posts('x', 12), originTopicId: topicId });
    // A version left building (as by a stance change whose rescore has not started yet).
    await t.db.query(
      `INSERT INTO topic_stance_version (topic_id, version, stance, status) VALUES ($1, 2, $2, 'building')`,
      [topicId, JSON.stringify(stanceV2)],
    );
    ingestion.invalidateTopics();
    await ingestion.ingest({ posts: posts('y', 5, 12), originTopicId: topicId });
    const rescore = t.app.get(RescoreService);
    const started = await rescore.request(topicId, false);
    expect(started.version).toBe(2);
    const run = await waitForRun(t, started.runId);
    // 17 posts: 5 already scored by ingestion under version 2, 12 scored by the rescore.
    expect(run).toMatchObject({ status: 'succeeded', fetched: 17, inserted: 12, duplicates: 5 });
    const [{ rows }] = await t.db.query(
      `SELECT count(*)::int AS rows FROM classification WHERE topic_id = $1 AND lexicon_version = 2`,
      [topicId],
    );
    expect(rows).toBe(17);
    expect(await rollupMismatches(t, topicId, 2)).toEqual([]);
    // Nothing is building any more; asking without a new version is a 404, asking for one starts version 3.
    await expect(rescore.request(topicId, false)).rejects.toThrow(/no stance version/);
    const again = await t.http.post('/api/v1/topics/jc2/rescore').set(t.admin);
    expect(again.status).toBe(201);
    expect(again.body.version).toBe(3);
    expect(await waitForRun(t, again.body.runId)).toMatchObject({
      status: 'succeeded',
      fetched: 17,
      inserted: 17,
    });
    const statuses = (await t.http.get('/api/v1/topics/jc2/stance-versions')).body.map(
      (v: { status: string }) => v.status,
    );
    expect(statuses).toEqual(['retired', 'retired', 'active']);
    expect((await t.http.post('/api/v1/topics/nope/rescore').set(t.admin)).status).toBe(404);
  });
});
