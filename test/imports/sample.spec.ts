import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { generateSample, sampleJsonl } from '../../scripts/sample/juniorcontract-sample.js';
import { samplePath, SampleImport } from '../../src/sources/archives/sample-import.js';
import { engine, freshDatabase, type FreshDatabase } from '../support/databases.js';
import { rollupVersusRaw } from '../support/rollup-check.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const FIRST_START = { LOAD_PRESETS: 'true', IMPORT_SAMPLE: 'true' };

/** A database that outlives one app, so that a restart can be tested on both engines. */
async function durableDatabase(): Promise<FreshDatabase> {
  if (engine === 'postgres') return freshDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'gs-sample-'));
  return { env: { DATA_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function counts(t: TestApp) {
  const [row] = await t.db.query(
    `SELECT (SELECT count(*)::int FROM post) AS posts,
            (SELECT count(*)::int FROM post WHERE source = 'sample') AS sample_posts,
            (SELECT count(*)::int FROM collection_run WHERE kind = 'import') AS runs`,
  );
  return row as { posts: number; sample_posts: number; runs: number };
}

describe('the bundled #juniorcontract sample', () => {
  const posts = generateSample();

  it('is the committed file, generated again from its seed', () => {
    const committed = gunzipSync(readFileSync(samplePath())).toString('utf8');
    expect(committed).toBe(sampleJsonl());
    expect(sampleJsonl(7)).not.toBe(committed);
  });

  it('spans January–April 2016 with more posts on the strike days and after the imposition', () => {
    expect(posts.length).toBeGreaterThan(5000);
    expect(posts[0].created_at >= '2016-01-01').toBe(true);
    expect(posts[posts.length - 1].created_at < '2016-05-01').toBe(true);
    const perDay = new Map<string, number>();
    for (const p of posts)
      perDay.set(p.created_at.slice(0, 10), (perDay.get(p.created_at.slice(0, 10)) ?? 0) + 1);
    const sorted = [...perDay.values()].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    for (const day of [
      '2016-01-12',
      '2016-02-10',
      '2016-02-11',
      '2016-03-09',
      '2016-04-06',
      '2016-04-26',
      '2016-04-27',
    ]) {
      expect([day, (perDay.get(day) ?? 0) > 3 * median]).toEqual([day, true]);
    }
    expect(posts.filter((p) => p.is_repost).length).toBeGreaterThan(500);
    expect(posts.filter((p) => p.reply_to).length).toBeGreaterThan(200);
    expect(posts.filter((p) => p.quote_of).length).toBeGreaterThan(50);
    expect(new Set(posts.filter((p) => p.lang !== 'en').map((p) => p.lang)).size).toBeGreaterThanOrEqual(4);
    expect(posts.every((p) => p.id.startsWith('jc16-') && !('url' in p))).toBe(true);
  });

  describe('on first start', () => {
    let database: FreshDatabase;
    let t: TestApp | undefined;

    beforeAll(async () => {
      database = await durableDatabase();
    });
    afterAll(async () => {
      await t?.close();
      await database.drop();
    });

    it('is imported once into the preset topic under the source "sample", and says so', async () => {
      t = await createTestApp({ env: FIRST_START, database });
      const c = await counts(t);
      expect(c).toEqual({ posts: posts.length, sample_posts: posts.length, runs: 1 });

      const runs = (await t.http.get('/api/v1/topics/juniorcontract/runs')).body.items;
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({
        kind: 'import',
        adapter: 'import:jsonl',
        status: 'succeeded',
        sample: true,
        inserted: posts.length,
        rejected: 0,
        progress: expect.objectContaining({ source: 'sample', fileName: 'juniorcontract-2016.jsonl.gz' }),
      });
      expect((await t.http.get(`/api/v1/runs/${runs[0].id}`)).body.sample).toBe(true);

      const [{ id: topicId }] = await t.db.query(
        `SELECT id::int AS id FROM topic WHERE slug = 'juniorcontract'`,
      );
      const { rollup, raw } = await rollupVersusRaw(t.db, topicId);
      expect(rollup).toEqual(raw);
      // English posts join the topic (the others are outside its languages); support outweighs opposition.
      const english = posts.filter((p) => p.lang === 'en').length;
      expect(raw.support + raw.oppose + raw.neutral).toBe(english);
      expect(raw.support).toBeGreaterThan(raw.oppose);
      expect(raw.oppose).toBeGreaterThan(0);
      const [state] = await t.db.query(`SELECT value FROM app_state WHERE key = 'sample_import'`);
      expect(state.value).toMatchObject({ state: 'done', runId: runs[0].id, posts: posts.length });
    });

    it('is not imported again on restart', async () => {
      await t!.close();
      t = await createTestApp({ env: FIRST_START, database });
      expect(await counts(t)).toEqual({ posts: posts.length, sample_posts: posts.length, runs: 1 });
      expect(await t.app.get(SampleImport).importOnce()).toEqual({
        status: 'skipped',
        reason: 'already imported, or being imported',
      });
    });
  });

  it('is imported once when several starts race for it', async () => {
    const t = await createTestApp({ env: { LOAD_PRESETS: 'true' } });
    try {
      const loader = t.app.get(SampleImport);
      const outcomes = await Promise.all([loader.importOnce(), loader.importOnce(), loader.importOnce()]);
      expect(outcomes.filter((o) => o.status === 'imported')).toHaveLength(1);
      expect(await counts(t)).toEqual({ posts: posts.length, sample_posts: posts.length, runs: 1 });
    } finally {
      await t.close();
    }
  });

  (engine === 'postgres' ? it : it.skip)(
    'is imported once when instances start together on one server',
    async () => {
      const database = await freshDatabase();
      const apps: TestApp[] = [];
      try {
        // Migrations first, as a deployment would; then two instances start at once.
        apps.push(await createTestApp({ database }));
        await apps[0].close();
        apps.length = 0;
        apps.push(
          ...(await Promise.all([
            createTestApp({ env: { ...FIRST_START, INSTANCE_ID: 'a' }, database }),
            createTestApp({ env: { ...FIRST_START, INSTANCE_ID: 'b' }, database }),
          ])),
        );
        expect(await counts(apps[0])).toEqual({ posts: posts.length, sample_posts: posts.length, runs: 1 });
      } finally {
        for (const a of apps) await a.close();
        await database.drop();
      }
    },
  );

  it('is not imported without the preset topic, nor into a database that has posts', async () => {
    const noTopic = await createTestApp({ env: { LOAD_PRESETS: 'false', IMPORT_SAMPLE: 'true' } });
    try {
      expect(await counts(noTopic)).toEqual({ posts: 0, sample_posts: 0, runs: 0 });
      // The claim is given back, so a later start with the preset can still import it.
      expect(await noTopic.db.query(`SELECT key FROM app_state WHERE key = 'sample_import'`)).toEqual([]);
      await noTopic.db.query(
        `INSERT INTO post (source, external_id, text, created_at, content_hash) VALUES ('x', '1', 'hello', now(), 'h')`,
      );
      await noTopic.http
        .post('/api/v1/topics')
        .set(noTopic.admin)
        .send({
          slug: 'juniorcontract',
          name: 'Junior doctors',
          query: { hashtags: ['juniorcontract'], keywords: [], exclude: [], languages: [] },
        });
      expect(await noTopic.app.get(SampleImport).importOnce()).toEqual({
        status: 'skipped',
        reason: 'the database already has posts',
      });
      expect(await counts(noTopic)).toEqual({ posts: 1, sample_posts: 0, runs: 0 });
    } finally {
      await noTopic.close();
    }
  });
});
