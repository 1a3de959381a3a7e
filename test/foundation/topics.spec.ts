import { createTestApp, type TestApp } from '../support/test-app.js';
import { topicBody } from '../support/topic-fixtures.js';

describe('topics API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates, reads, lists, updates and deletes a topic', async () => {
    const created = await t.http
      .post('/api/v1/topics')
      .set(t.admin)
      .send(topicBody({ slug: 'crud' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      slug: 'crud',
      timezone: 'Europe/London',
      schedule: '*/10 * * * *',
      paused: false,
      stanceVersion: 1,
      sources: [],
      query: { hashtags: ['nursespay'], keywords: ['nurses pay'] },
    });

    const one = await t.http.get('/api/v1/topics/crud');
    expect(one.status).toBe(200);
    expect(one.body.id).toBe(created.body.id);

    const list = await t.http.get('/api/v1/topics');
    expect(list.body.map((x: { slug: string }) => x.slug)).toContain('crud');

    const patched = await t.http
      .patch('/api/v1/topics/crud')
      .set(t.admin)
      .send({ paused: true, schedule: '0 * * * *', timezone: 'Asia/Kathmandu' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      paused: true,
      schedule: '0 * * * *',
      timezone: 'Asia/Kathmandu',
      name: 'Nurses pay',
    });

    expect((await t.http.delete('/api/v1/topics/crud').set(t.admin)).status).toBe(204);
    expect((await t.http.get('/api/v1/topics/crud')).status).toBe(404);
  });

  it('normalises hashtags: strips # and lower-cases', async () => {
    const res = await t.http
      .post('/api/v1/topics')
      .set(t.admin)
      .send(
        topicBody({
          slug: 'tags',
          query: { hashtags: ['#JuniorContract'], keywords: [], exclude: [], languages: [] },
        }),
      );
    expect(res.status).toBe(201);
    expect(res.body.query.hashtags).toEqual(['juniorcontract']);
  });

  it('a new stance configuration records a new lexicon version, kept apart from the active one', async () => {
    await t.http
      .post('/api/v1/topics')
      .set(t.admin)
      .send(topicBody({ slug: 'versions' }));
    const stance = {
      support: {
        label: 'For',
        targets: [{ name: 'Nurses', aliases: ['nurses'] }],
        cues: [{ term: '#paynurses', weight: 2 }],
      },
      oppose: { label: 'Against', targets: [], cues: [] },
    };
    const res = await t.http.patch('/api/v1/topics/versions').set(t.admin).send({ stance });
    expect(res.status).toBe(200);
    expect(res.body.stance).toEqual(stance);
    const rows: { version: number; status: string }[] = await t.db.query(
      `SELECT version, status FROM topic_stance_version v JOIN topic t ON t.id = v.topic_id WHERE t.slug = 'versions' ORDER BY version`,
    );
    expect(rows).toEqual([
      { version: 1, status: 'active' },
      { version: 2, status: 'building' },
    ]);
  });

  describe('bad input', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['bad slug', { slug: 'Bad Slug!' }, 'slug'],
      ['unknown adapter', { sources: [{ adapter: 'myspace', options: {} }] }, 'sources.0.adapter'],
      ['invalid cron', { schedule: 'every ten minutes' }, 'schedule'],
      ['six-field cron', { schedule: '* * * * * *' }, 'schedule'],
      ['unknown time zone', { timezone: 'Europe/Atlantis' }, 'timezone'],
      ['empty query', { query: { hashtags: [], keywords: [], exclude: [], languages: [] } }, 'query'],
      ['unknown field', { colour: 'red' }, 'colour'],
      [
        'bad hashtag',
        { query: { hashtags: ['two words'], keywords: [], exclude: [], languages: [] } },
        'query.hashtags',
      ],
      [
        'bad language',
        { query: { hashtags: ['a'], keywords: [], exclude: [], languages: ['English'] } },
        'query.languages',
      ],
      ['stance without sides', { stance: { support: { label: 'x' } } }, 'stance.support.targets'],
    ];
    it.each(cases)('%s → 400 naming the field', async (_name, override, field) => {
      const res = await t.http
        .post('/api/v1/topics')
        .set(t.admin)
        .send(topicBody({ slug: 'bad', ...override }));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 400, title: 'Bad Request' });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect((await t.http.get('/api/v1/topics/bad')).status).toBe(404);
    });

    it('a duplicate slug → 409 and the first topic is untouched', async () => {
      await t.http
        .post('/api/v1/topics')
        .set(t.admin)
        .send(topicBody({ slug: 'dup', name: 'First' }));
      const res = await t.http
        .post('/api/v1/topics')
        .set(t.admin)
        .send(topicBody({ slug: 'dup', name: 'Second' }));
      expect(res.status).toBe(409);
      expect(res.body.detail).toContain('dup');
      expect((await t.http.get('/api/v1/topics/dup')).body.name).toBe('First');
    });

    it('an unknown slug → 404 on read, change and delete', async () => {
      expect((await t.http.get('/api/v1/topics/nope')).status).toBe(404);
      expect((await t.http.patch('/api/v1/topics/nope').set(t.admin).send({ paused: true })).status).toBe(
        404,
      );
      expect((await t.http.delete('/api/v1/topics/nope').set(t.admin)).status).toBe(404);
    });

    it('a body over the size limit → 413 problem+json', async () => {
      const huge = topicBody({ slug: 'huge', description: 'x'.repeat(2 * 1024 * 1024) });
      const res = await t.http.post('/api/v1/topics').set(t.admin).send(huge);
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('malformed JSON → 400 problem+json', async () => {
      const res = await t.http
        .post('/api/v1/topics')
        .set(t.admin)
        .set('Content-Type', 'application/json')
        .send('{"slug": "x",');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toMatch(/JSON/);
    });

    it('a failed PATCH changes nothing', async () => {
      await t.http
        .post('/api/v1/topics')
        .set(t.admin)
        .send(topicBody({ slug: 'atomic' }));
      const res = await t.http
        .patch('/api/v1/topics/atomic')
        .set(t.admin)
        .send({ name: 'Renamed', sources: [{ adapter: 'myspace', options: {} }] });
      expect(res.status).toBe(400);
      expect((await t.http.get('/api/v1/topics/atomic')).body.name).toBe('Nurses pay');
    });
  });
});
