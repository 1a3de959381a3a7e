import { IngestionService } from '../../src/collection/ingestion.service.js';
import { makePost } from '../support/post-fixtures.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { topicBody } from '../support/topic-fixtures.js';

const stance = {
  support: {
    label: 'For the doctors',
    targets: [{ name: 'Doctors', aliases: ['doctors', 'junior doctors'] }],
    cues: [{ term: '#notfairnotsafe', weight: 2.5 }],
  },
  oppose: {
    label: 'Against the strike',
    targets: [{ name: 'Hunt', aliases: ['hunt', 'jeremy hunt'] }],
    cues: [{ term: 'back to work', weight: 2 }],
  },
};

describe('classify endpoint, hand coding, agreement and suggestions', () => {
  let t: TestApp;
  let topicId: number;
  const ids = new Map<string, number>();

  beforeAll(async () => {
    t = await createTestApp({ env: { READ_API_KEYS: 'reader-key-0123456789abcdef' } });
    const res = await t.http
      .post('/api/v1/topics')
      .set(t.admin)
      .send(
        topicBody({
          slug: 'jc',
          query: { hashtags: ['juniorcontract'], keywords: [], exclude: [], languages: [] },
          stance,
        }),
      );
    expect(res.status).toBe(201);
    topicId = res.body.id;
    const texts: Record<string, string> = {
      s1: 'Doctors are wonderful #notfairnotsafe #juniorcontract',
      s2: 'Hunt is a disgrace #juniorcontract #notfairnotsafe',
      s3: 'Furious with Hunt #juniorcontract',
      o1: 'Get back to work #juniorcontract',
      o2: 'Greedy doctors, back to work #juniorcontract',
      n1: 'Strike day two #juniorcontract',
    };
    await t.app.get(IngestionService).ingest({
      posts: Object.entries(texts).map(([externalId, text]) => makePost({ externalId, text })),
      originTopicId: topicId,
    });
    const rows: { id: number; external_id: string }[] = await t.db.query(
      `SELECT id::int AS id, external_id FROM post`,
    );
    for (const r of rows) ids.set(r.external_id, r.id);
  });
  afterAll(async () => {
    await t.close();
  });

  const read = { Authorization: 'Bearer reader-key-0123456789abcdef' };

  it('POST /classify with a read key: sentiment, stance for a topic, reasons and versions', async () => {
    const res = await t.http
      .post('/api/v1/classify')
      .set(read)
      .send({ text: 'Absolutely furious that Hunt is doing this', topic: 'jc' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      sentiment: { label: 'negative' },
      stance: { label: 'support' },
      version: { classifier: expect.stringMatching(/^groundswell-/), lexicon: 1 },
    });
    expect(res.body.sentiment.score).toBeLessThan(0);
    expect(res.body.stance.confidence).toBeGreaterThan(0.5);
    expect(res.body.explanation).toContainEqual(
      expect.objectContaining({ rule: 'target-directed', target: 'Hunt', side: 'support' }),
    );
    // Without a topic: sentiment only.
    const plain = await t.http.post('/api/v1/classify').set(read).send({ text: 'What a lovely day :)' });
    expect(plain.status).toBe(200);
    expect(plain.body.stance).toBeUndefined();
    expect(plain.body.sentiment.label).toBe('positive');
  });

  it('POST /classify needs a key when reads do, and rejects bad bodies with named fields', async () => {
    expect((await t.http.post('/api/v1/classify').send({ text: 'hi' })).status).toBe(401);
    const unknown = await t.http.post('/api/v1/classify').set(read).send({ text: 'hi', topic: 'nope' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
    const noText = await t.http.post('/api/v1/classify').set(read).send({ topic: 'jc' });
    expect(noText.status).toBe(400);
    expect(noText.body.errors).toContainEqual(expect.objectContaining({ field: 'text' }));
    const badTopic = await t.http.post('/api/v1/classify').set(read).send({ text: 'x', topic: 'Bad Slug!' });
    expect(badTopic.status).toBe(400);
    expect(badTopic.body.errors).toContainEqual(expect.objectContaining({ field: 'topic' }));
    const notString = await t.http.post('/api/v1/classify').set(read).send({ text: 42 });
    expect(notString.status).toBe(400);
  });

  it('POST /classify: empty, emoji-only, URL-only, 100 KB and invalid Unicode get defined answers', async () => {
    const bodies = [
      '',
      '😡😡',
      'https://example.org/x',
      'Hunt is awful. '.repeat(6800), // 102,000 characters
      'bad \uD800 surrogate',
    ];
    for (const text of bodies) {
      const res = await t.http.post('/api/v1/classify').set(read).send({ text, topic: 'jc' });
      expect(res.status).toBe(200);
      expect(Number.isFinite(res.body.sentiment.score)).toBe(true);
      expect(Number.isFinite(res.body.stance.confidence)).toBe(true);
    }
    const tooLong = await t.http
      .post('/api/v1/classify')
      .set(read)
      .send({ text: 'x'.repeat(102_401) });
    expect(tooLong.status).toBe(400);
  });

  it('PUT label codes a post (admin key); unknown posts and bad stances are refused', async () => {
    const res = await t.http
      .put(`/api/v1/topics/jc/posts/${ids.get('s1')}/label`)
      .set(t.admin)
      .send({ stance: 'support', coder: 'rk' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      postId: ids.get('s1'),
      stance: 'support',
      coder: 'rk',
      classified: 'support',
    });
    expect(
      (
        await t.http
          .put(`/api/v1/topics/jc/posts/${ids.get('s1')}/label`)
          .set(read)
          .send({ stance: 'support' })
      ).status,
    ).toBe(403);
    const bad = await t.http
      .put(`/api/v1/topics/jc/posts/${ids.get('s1')}/label`)
      .set(t.admin)
      .send({ stance: 'maybe' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toContainEqual(expect.objectContaining({ field: 'stance' }));
    expect(
      (await t.http.put('/api/v1/topics/jc/posts/999999/label').set(t.admin).send({ stance: 'support' }))
        .status,
    ).toBe(404);
    const badId = await t.http
      .put('/api/v1/topics/jc/posts/abc/label')
      .set(t.admin)
      .send({ stance: 'support' });
    expect(badId.status).toBe(400);
    expect(badId.body.errors).toContainEqual(expect.objectContaining({ field: 'id' }));
    for (const id of ['99999999999999999999', '-3', '0']) {
      const r = await t.http
        .put(`/api/v1/topics/jc/posts/${id}/label`)
        .set(t.admin)
        .send({ stance: 'support' });
      expect(r.status).toBe(400);
    }
    const hugeVersion = await t.http.get('/api/v1/topics/jc/agreement?version=99999999999').set(read);
    expect(hugeVersion.status).toBe(400);
    expect(
      (
        await t.http
          .put(`/api/v1/topics/nope/posts/${ids.get('s1')}/label`)
          .set(t.admin)
          .send({ stance: 'support' })
      ).status,
    ).toBe(404);
  });

  it('GET agreement compares hand codes with the classifier', async () => {
    // Classifier: s1, s2, s3 support; o1, o2 oppose; n1 neutral. Codes: one disagreement (n1 coded oppose).
    const codes: Record<string, string> = {
      s1: 'support',
      s2: 'support',
      s3: 'support',
      o1: 'oppose',
      o2: 'oppose',
      n1: 'oppose',
    };
    for (const [ext, code] of Object.entries(codes)) {
      const r = await t.http
        .put(`/api/v1/topics/jc/posts/${ids.get(ext)}/label`)
        .set(t.admin)
        .send({ stance: code });
      expect(r.status).toBe(200);
    }
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM post_label WHERE topic_id = $1`, [
      topicId,
    ]);
    expect(n).toBe(6);
    const res = await t.http.get('/api/v1/topics/jc/agreement').set(read);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      version: 1,
      n: 6,
      confusion: {
        support: { support: 3, oppose: 0, neutral: 0 },
        oppose: { support: 0, oppose: 2, neutral: 1 },
        neutral: { support: 0, oppose: 0, neutral: 0 },
      },
    });
    expect(res.body.accuracy).toBeCloseTo(5 / 6, 6);
    // oppose: P = 2/2, R = 2/3; neutral: P = 0 (1 predicted, 0 right), R = 0 (none coded).
    expect(res.body.perClass.oppose.precision).toBeCloseTo(1, 6);
    expect(res.body.perClass.oppose.recall).toBeCloseTo(2 / 3, 6);
    expect(res.body.macroF1).toBeCloseTo((1 + 0.8 + 0) / 3, 6);
    // Chance: (3·3 + 2·3 + 1·0) / 36 = 15/36; kappa = (5/6 − 15/36) / (1 − 15/36) = 15/21.
    expect(res.body.kappa).toBeCloseTo(15 / 21, 6);
    expect((await t.http.get('/api/v1/topics/jc/agreement?version=9').set(read)).status).toBe(404);
    const bad = await t.http.get('/api/v1/topics/jc/agreement?version=x').set(read);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toContainEqual(expect.objectContaining({ field: 'version' }));
  });

  it('GET lexicon/suggestions lists terms per side with counts', async () => {
    const res = await t.http.get('/api/v1/topics/jc/lexicon/suggestions?minCount=2').set(read);
    expect(res.status).toBe(200);
    expect(res.body.posts).toEqual({ support: 3, oppose: 3, neutral: 0 });
    expect(res.body.support).toContainEqual(
      expect.objectContaining({
        term: '#notfairnotsafe',
        counts: { support: 2, oppose: 0 },
        configured: true,
      }),
    );
    expect(res.body.oppose).toContainEqual(
      expect.objectContaining({ term: 'to work', counts: { support: 0, oppose: 2 }, configured: true }),
    );
    for (const item of [...res.body.support, ...res.body.oppose]) {
      expect(Number.isFinite(item.z)).toBe(true);
    }
    expect(res.body.support.every((s: { z: number }) => s.z > 0)).toBe(true);
    expect((await t.http.get('/api/v1/topics/jc/lexicon/suggestions?limit=0').set(read)).status).toBe(400);
    expect((await t.http.get('/api/v1/topics/nope/lexicon/suggestions').set(read)).status).toBe(404);
  });

  it('the OpenAPI document describes the routes', async () => {
    const doc = (await t.http.get('/docs/openapi.json')).body;
    expect(doc.paths['/api/v1/classify'].post).toBeDefined();
    expect(doc.paths['/api/v1/topics/{slug}/posts/{id}/label'].put).toBeDefined();
    expect(doc.paths['/api/v1/topics/{slug}/agreement'].get).toBeDefined();
    expect(doc.paths['/api/v1/topics/{slug}/lexicon/suggestions'].get).toBeDefined();
  });
});
