import pg from 'pg';
import { IngestionService } from '../../src/collection/ingestion.service.js';
import { RunsService } from '../../src/collection/runs.service.js';
import { makePost } from '../support/post-fixtures.js';
import { rollupVersusRaw } from '../support/rollup-check.js';
import { engine } from '../support/databases.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { topicBody } from '../support/topic-fixtures.js';

describe('ingestion: exactly-once storage, classification and rollups', () => {
  let t: TestApp;
  let ingestion: IngestionService;
  let topicId: number;
  let otherTopicId: number;

  beforeAll(async () => {
    t = await createTestApp();
    ingestion = t.app.get(IngestionService);
    const stance = {
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
    const a = await t.http
      .post('/api/v1/topics')
      .set(t.admin)
      .send(
        topicBody({
          slug: 'jc',
          query: { hashtags: ['juniorcontract'], keywords: [], exclude: ['#spam'], languages: ['en'] },
          stance,
        }),
      );
    topicId = a.body.id;
    const b = await t.http
      .post('/api/v1/topics')
      .set(t.admin)
      .send(
        topicBody({
          slug: 'nhs',
          query: { hashtags: ['nhs'], keywords: ['junior doctors'], exclude: [], languages: [] },
        }),
      );
    otherTopicId = b.body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('stores a page once; replaying it adds nothing but duplicates', async () => {
    const run = await t.app
      .get(RunsService)
      .create({ topicId, adapter: 'test', kind: 'manual', status: 'running' });
    const page = [
      makePost({ externalId: '1', text: 'Doctors deserve better #notfairnotsafe #juniorcontract' }),
      makePost({ externalId: '2', text: 'Get back to work #juniorcontract' }),
      makePost({ externalId: '3', text: 'Junior doctors march today #nhs' }),
      makePost({ externalId: '4', text: 'Buy now #juniorcontract #spam' }),
      makePost({ externalId: '2', text: 'Get back to work #juniorcontract' }),
    ];
    const first = await ingestion.ingest({
      posts: page,
      originTopicId: topicId,
      runId: run.id,
      rejected: [{ reason: 'no id', raw: '{}' }],
    });
    expect(first).toMatchObject({ fetched: 5, inserted: 4, duplicates: 1, rejected: 1 });
    const again = await ingestion.ingest({ posts: page, originTopicId: topicId, runId: run.id });
    expect(again).toMatchObject({ fetched: 5, inserted: 0, duplicates: 5, classified: 0 });

    const view = (await t.http.get(`/api/v1/runs/${run.id}`)).body;
    expect(view).toMatchObject({
      topic: 'jc',
      fetched: 10,
      inserted: 4,
      duplicates: 6,
      rejected: 1,
      status: 'running',
    });

    const members = await t.db.query(
      `SELECT c.topic_id::int AS topic, p.external_id AS id, c.stance FROM classification c JOIN post p ON p.id = c.post_id ORDER BY 1, 2`,
    );
    // Post 4 is excluded from jc (#spam); post 3 joins nhs through its hashtag and keyword, and jc as its origin.
    expect(members).toEqual([
      { topic: topicId, id: '1', stance: 'support' },
      { topic: topicId, id: '2', stance: 'oppose' },
      { topic: topicId, id: '3', stance: expect.any(String) },
      { topic: otherTopicId, id: '3', stance: expect.any(String) },
    ]);
    const { rollup, raw } = await rollupVersusRaw(t.db, topicId);
    expect(rollup).toEqual(raw);
    expect(raw.support + raw.oppose + raw.neutral).toBe(3);
  });

  it('stores awkward text, hashtags and explanations exactly as given', async () => {
    // Quotes, backslashes, braces, commas, tabs, line breaks, NUL-free control text, "NULL" and empty
    // strings: each must survive the array literals and the COPY stream unchanged.
    const text = 'He said "back to work" \\ {not} fair, not safe\tNULL\r\nline two \\N #juniorcontract 🩺';
    // An archive's own source name is user data too, and is copied into every classification row.
    const source = 'archive:a\\b\tc "d"';
    const post = makePost({
      source,
      externalId: 'awkward "1"\\',
      text,
      authorHandle: 'NULL',
      authorId: '',
      url: 'https://example.org/a?b="c"&d={e}',
      lang: null,
      hashtags: ['juniorcontract', 'a,b', 'c"d', 'e\\f', 'NULL', '{x}'],
      engagement: { likes: 3, note: 'tab\there "quoted"' } as unknown as Record<string, number>,
      repostOf: 'x\\y',
    });
    const out = await ingestion.ingest({ posts: [post], originTopicId: topicId });
    expect(out).toMatchObject({ inserted: 1, classified: 1 });
    const [row] = await t.db.query(
      `SELECT p.external_id, p.text, p.author_handle, p.author_id, p.url, p.lang, p.hashtags, p.engagement, p.repost_of,
              c.explanation
         FROM post p JOIN classification c ON c.post_id = p.id AND c.source = p.source
        WHERE p.source = $1 AND p.external_id = $2`,
      [source, post.externalId],
    );
    expect(row).toEqual({
      external_id: post.externalId,
      text,
      author_handle: 'NULL',
      author_id: '',
      url: post.url,
      lang: null,
      hashtags: post.hashtags,
      engagement: post.engagement,
      repost_of: 'x\\y',
      explanation: expect.any(Array),
    });
    // The explanation went through the COPY stream (or JSON) intact: the quoted cue is named in it.
    expect((row.explanation as { text: string }[]).map((e) => e.text)).toContain('back to work');
  });

  it('an edit re-scores in place and a deletion leaves the counts and blanks the text', async () => {
    await ingestion.ingest({
      posts: [makePost({ externalId: 'e1', text: 'Doctors deserve better #juniorcontract #notfairnotsafe' })],
      originTopicId: topicId,
    });
    const edited = await ingestion.ingest({
      posts: [
        makePost({
          externalId: 'e1',
          text: 'Changed my mind: get back to work #juniorcontract',
          editedAt: new Date('2016-04-26T10:00:00Z'),
        }),
      ],
      originTopicId: topicId,
    });
    expect(edited).toMatchObject({ inserted: 0, updated: 1 });
    const [row] = await t.db.query(
      `SELECT c.stance, p.text FROM classification c JOIN post p ON p.id = c.post_id WHERE p.external_id = 'e1'`,
    );
    expect(row).toEqual({ stance: 'oppose', text: 'Changed my mind: get back to work #juniorcontract' });
    let check = await rollupVersusRaw(t.db, topicId);
    expect(check.rollup).toEqual(check.raw);

    const before = check.raw;
    const gone = await ingestion.ingest({
      posts: [makePost({ externalId: 'e1', text: '[deleted]', deletedAt: new Date('2016-04-27T00:00:00Z') })],
      originTopicId: topicId,
    });
    expect(gone.updated).toBe(1);
    const [post] = await t.db.query(
      `SELECT text, deleted_at IS NOT NULL AS deleted FROM post WHERE external_id = 'e1'`,
    );
    expect(post).toEqual({ text: '', deleted: true });
    check = await rollupVersusRaw(t.db, topicId);
    expect(check.rollup).toEqual(check.raw);
    expect(check.raw.oppose).toBe(before.oppose - 1);
    // A deleted post fetched again is not resurrected.
    const replay = await ingestion.ingest({
      posts: [makePost({ externalId: 'e1', text: 'Changed my mind: get back to work #juniorcontract' })],
      originTopicId: topicId,
    });
    expect(replay).toMatchObject({ inserted: 0, duplicates: 1, updated: 0 });
  });

  it('a topic created a moment ago receives matching posts at once (no stale topic cache)', async () => {
    await ingestion.ingest({
      posts: [makePost({ externalId: 'warm', text: 'warming the cache #juniorcontract' })],
    });
    const created = await t.http
      .post('/api/v1/topics')
      .set(t.admin)
      .send(
        topicBody({
          slug: 'fresh',
          query: { hashtags: ['brandnewtag'], keywords: [], exclude: [], languages: [] },
        }),
      );
    const out = await ingestion.ingest({
      posts: [makePost({ externalId: 'fresh1', text: 'first post #brandnewtag' })],
    });
    expect(out.inserted).toBe(1);
    const rows = await t.db.query(`SELECT 1 FROM classification WHERE topic_id = $1`, [created.body.id]);
    expect(rows).toHaveLength(1);
  });

  it('advances a source cursor in the same transaction as its page', async () => {
    const [{ id: sourceId }] = await t.db.query(
      `INSERT INTO topic_source (topic_id, adapter, options) VALUES ($1, 'test', '{}') RETURNING id::int AS id`,
      [topicId],
    );
    await ingestion.ingest({
      posts: [makePost({ externalId: 'c1' })],
      originTopicId: topicId,
      topicSourceId: sourceId,
      cursor: { minId: '109' },
    });
    const [{ cursor }] = await t.db.query(`SELECT cursor FROM topic_source WHERE id = $1`, [sourceId]);
    expect(cursor).toEqual({ minId: '109' });

    // A page that fails to commit leaves neither its posts nor its cursor behind.
    const bad = makePost({ externalId: 'c2' });
    (bad as { createdAt: unknown }).createdAt = { toISOString: () => 'not a date' };
    await expect(
      ingestion.ingest({
        posts: [makePost({ externalId: 'c3' }), bad],
        originTopicId: topicId,
        topicSourceId: sourceId,
        cursor: { minId: '200' },
      }),
    ).rejects.toThrow();
    const [{ cursor: after }] = await t.db.query(`SELECT cursor FROM topic_source WHERE id = $1`, [sourceId]);
    expect(after).toEqual({ minId: '109' });
    expect(await t.db.query(`SELECT 1 FROM post WHERE external_id = 'c3'`)).toHaveLength(0);
  });

  it('a page meeting stored posts stores only the new ones, and the pages after it too', async () => {
    // On PostgreSQL a page is first COPYed; a stored post voids that attempt and the page is upserted instead.
    const run = await t.app
      .get(RunsService)
      .create({ topicId, adapter: 'test', kind: 'manual', status: 'running' });
    const post = (id: string) =>
      makePost({ externalId: id, text: `Doctors deserve better ${id} #juniorcontract` });
    const ingest = (ids: string[]) =>
      ingestion.ingest({ posts: ids.map(post), originTopicId: topicId, runId: run.id });
    expect(await ingest(['m1', 'm2'])).toMatchObject({ inserted: 2, duplicates: 0, classified: 2 });
    expect(await ingest(['m2', 'm3', 'm4'])).toMatchObject({ inserted: 2, duplicates: 1, classified: 2 });
    expect(await ingest(['m5', 'm6'])).toMatchObject({ inserted: 2, duplicates: 0, classified: 2 });
    expect(await ingest(['m6', 'm7'])).toMatchObject({ inserted: 1, duplicates: 1, classified: 1 });
    expect(await ingest(['m8'])).toMatchObject({ inserted: 1, duplicates: 0, classified: 1 });

    const stored = await t.db.query(
      `SELECT p.external_id AS id, count(c.*)::int AS rows FROM post p
         LEFT JOIN classification c ON c.post_id = p.id AND c.topic_id = $1
        WHERE p.external_id LIKE 'm_' GROUP BY 1 ORDER BY 1`,
      [topicId],
    );
    expect(stored).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8'].map((id) => ({ id, rows: 1 })));
    expect((await t.http.get(`/api/v1/runs/${run.id}`)).body).toMatchObject({ inserted: 8, duplicates: 2 });
    const { rollup, raw } = await rollupVersusRaw(t.db, topicId);
    expect(rollup).toEqual(raw);
  });

  it('two pages sharing new posts at the same moment store each post once', async () => {
    const post = (id: string) => makePost({ externalId: id, text: `Back to work ${id} #juniorcontract` });
    const [a, b] = await Promise.all([
      ingestion.ingest({ posts: ['s1', 's2', 's3', 's4'].map(post), originTopicId: topicId }),
      ingestion.ingest({ posts: ['s3', 's4', 's5', 's6'].map(post), originTopicId: topicId }),
    ]);
    expect(a.inserted + b.inserted).toBe(6);
    expect(a.duplicates + b.duplicates).toBe(2);
    const [{ posts, rows }] = await t.db.query(
      `SELECT count(DISTINCT p.id)::int AS posts, count(c.*)::int AS rows FROM post p
         JOIN classification c ON c.post_id = p.id AND c.topic_id = $1 WHERE p.external_id LIKE 's_'`,
      [topicId],
    );
    expect({ posts, rows }).toEqual({ posts: 6, rows: 6 });
    const { rollup, raw } = await rollupVersusRaw(t.db, topicId);
    expect(rollup).toEqual(raw);
  });

  it('deleting a topic or a post deletes its classification rows, as a cascade would', async () => {
    const gone = await t.http
      .post('/api/v1/topics')
      .set(t.admin)
      .send(
        topicBody({
          slug: 'short-lived',
          query: { hashtags: ['ephemeral'], keywords: [], exclude: [], languages: [] },
        }),
      );
    await ingestion.ingest({
      posts: [
        makePost({ externalId: 'eph1', text: 'here today #ephemeral #nhs' }),
        makePost({ externalId: 'eph2', text: 'gone tomorrow #ephemeral #nhs' }),
      ],
    });
    const rowsOf = async (sql: string, params: unknown[]) => {
      const [{ n }] = await t.db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM classification WHERE ${sql}`,
        params,
      );
      return n;
    };
    expect(await rowsOf('topic_id = $1', [gone.body.id])).toBe(2);
    await t.http.delete('/api/v1/topics/short-lived').set(t.admin).expect(204);
    expect(await rowsOf('topic_id = $1', [gone.body.id])).toBe(0);

    const [{ id: postId }] = await t.db.query(`SELECT id FROM post WHERE external_id = 'eph1'`);
    expect(await rowsOf('post_id = $1', [postId])).toBe(1); // still in nhs
    await t.db.query(`DELETE FROM post WHERE id = $1`, [postId]);
    expect(await rowsOf('post_id = $1', [postId])).toBe(0);
  });

  (engine === 'postgres' ? it : it.skip)(
    'a topic deleted while a page is being stored gets no rows from it (PostgreSQL: two sessions)',
    async () => {
      const doomed = await t.http
        .post('/api/v1/topics')
        .set(t.admin)
        .send(
          topicBody({
            slug: 'doomed',
            query: { hashtags: ['doomed'], keywords: [], exclude: [], languages: [] },
          }),
        );
      await ingestion.ingest({
        posts: [makePost({ externalId: 'd0', text: 'compiles the models #doomed' })],
      });
      // Another session deletes the topic and holds its transaction open while a page for it arrives.
      const other = new pg.Client({ connectionString: t.database.url });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query(`DELETE FROM topic WHERE id = $1`, [doomed.body.id]);
        const storing = ingestion.ingest({
          posts: [makePost({ externalId: 'd1', text: 'too late #doomed #nhs' })],
        });
        // The page waits on the topic's row lock, as the foreign-key check did.
        await new Promise((resolve) => setTimeout(resolve, 300));
        await other.query('COMMIT');
        expect(await storing).toMatchObject({ inserted: 1, classified: 1 });
      } finally {
        await other.end();
      }
      const rows = await t.db.query(
        `SELECT c.topic_id::int AS topic FROM classification c JOIN post p ON p.id = c.post_id
          WHERE p.external_id IN ('d0', 'd1') ORDER BY 1`,
      );
      expect(rows).toEqual([{ topic: otherTopicId }]);
    },
  );
});
