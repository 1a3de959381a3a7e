import { PROBLEM_CONTENT_TYPE } from '../../src/http/problem-details.js';
import { engine } from '../support/databases.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { createTopic, many, seedPosts } from './series-fixtures.js';

describe(`series HTTP: bad input, versions, coverage, caching (${engine})`, () => {
  let t: TestApp;
  let topicId: number;

  beforeAll(async () => {
    t = await createTestApp();
    topicId = await createTopic(t, 'cov', { timezone: 'UTC' });
    await seedPosts(t, topicId, [
      ...many('m', 4, '2016-04-26T08:05:00Z', 'support'),
      ...many('b', 2, '2016-04-26T09:05:00Z', 'oppose', { source: 'bluesky' }),
      { id: 's1', at: '2016-04-26T09:10:00Z', stance: 'neutral', source: 'sample' },
      { id: 's2', at: '2016-04-26T10:40:00Z', stance: 'support', source: 'sample' },
    ]);
  });
  afterAll(async () => {
    await t.close();
  });

  const series = (query: Record<string, string>, slug = 'cov') =>
    t.http.get(`/api/v1/topics/${slug}/series`).query(query);

  async function expectBadParameter(query: Record<string, string>, field: string) {
    const res = await series(query);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    return res.body;
  }

  it('names the parameter of every kind of bad input with a 400, never a 500', async () => {
    await expectBadParameter({ interval: 'minute' }, 'interval');
    await expectBadParameter({ tz: 'Mars/Olympus_Mons' }, 'tz');
    await expectBadParameter({ from: 'last tuesday' }, 'from');
    await expectBadParameter({ to: '2016-02-30' }, 'to');
    await expectBadParameter({ interval: 'week', from: '9999-12-01', to: '9999-12-31' }, 'from');
    await expectBadParameter({ from: '1969-12-31', to: '1970-01-02' }, 'from');
    await expectBadParameter({ from: '2016-04-27', to: '2016-04-26' }, 'from');
    await expectBadParameter({ from: '2016-04-26', to: '2016-04-26' }, 'from');
    const tooMany = await expectBadParameter(
      { interval: '15m', from: '2016-01-01', to: '2016-12-31' },
      'from',
    );
    expect(tooMany.errors[0].message).toMatch(/5000/);
    await expectBadParameter({ sources: 'myspace' }, 'sources');
    await expectBadParameter({ sources: "x'; DROP TABLE post; --" }, 'sources');
    await expectBadParameter({ version: '7' }, 'version');
    await expectBadParameter({ version: 'latest' }, 'version');
    await expectBadParameter({ reposts: 'maybe' }, 'reposts');
    await expectBadParameter({ lang: 'english!' }, 'lang');
    await expectBadParameter({ rolling: '0' }, 'rolling');
    await expectBadParameter({ rolling: '1000' }, 'rolling');
    await expectBadParameter({ colour: 'red' }, 'colour');
    const several = await series({ interval: 'year', tz: 'Nowhere/Town', version: '9' });
    expect(several.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'interval',
      'tz',
      'version',
    ]);
    const repeated = await t.http.get('/api/v1/topics/cov/series?interval=day&interval=hour');
    expect(repeated.status).toBe(400);
    const missing = await series({}, 'no-such-topic');
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toContain('no-such-topic');
    for (const path of ['summary', 'posts', 'annotations']) {
      expect((await t.http.get(`/api/v1/topics/no-such-topic/${path}`)).status).toBe(404);
    }
    expect((await t.http.get('/api/v1/topics/cov/summary').query({ tz: 'Nowhere' })).status).toBe(400);
  });

  it('reads a named lexicon version; the topic default is its stance_version, which a rescore flips', async () => {
    const patched = await t.http
      .patch('/api/v1/topics/cov')
      .set(t.admin)
      .send({
        stance: {
          support: { label: 'For', targets: [], cues: [] },
          oppose: { label: 'Against', targets: [], cues: [] },
        },
      });
    expect(patched.status).toBe(200);
    const range = { interval: 'day', from: '2016-04-26', to: '2016-04-27' };
    // Version 2 is built by a background rescore; the series keeps reading version 1 until it flips.
    for (let i = 0; i < 200; i++) {
      if ((await t.http.get('/api/v1/topics/cov')).body.stanceVersion === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const v2 = await series(range);
    expect(v2.status).toBe(200);
    expect(v2.body.version).toBe(2);
    // The new configuration has no cues or targets: every post is neutral under it.
    expect(v2.body.buckets[0]).toMatchObject({ total: 8, support: 0, oppose: 0, neutral: 8 });
    const v1 = await series({ ...range, version: '1' });
    expect(v1.status).toBe(200);
    expect(v1.body.version).toBe(1);
    expect(v1.body.buckets[0].total).toBe(8);
    expect(v1.body.buckets[0].support + v1.body.buckets[0].oppose).toBeGreaterThan(0);
  });

  it('coverage per source: collection records for collected sources, the span of an archive', async () => {
    const [{ id: mastodon }] = await t.db.query(
      `INSERT INTO topic_source (topic_id, adapter) VALUES ($1, 'mastodon') RETURNING id::int AS id`,
      [topicId],
    );
    const bluesky = await t.db.query(
      `INSERT INTO topic_source (topic_id, adapter) VALUES ($1, 'bluesky'), ($1, 'bluesky') RETURNING id::int AS id`,
      [topicId],
    );
    const [b1, b2] = bluesky.map((r: { id: number }) => r.id);
    const slots = (source: number, hour: number, statuses: string[]) =>
      statuses.map((status, k) => [
        source,
        `2016-04-26T${String(hour).padStart(2, '0')}:${String(k * 15).padStart(2, '0')}:00Z`,
        status,
      ]);
    const rows = [
      ...slots(mastodon, 8, ['ok', 'ok', 'ok', 'ok']),
      ...slots(b1, 8, ['ok', 'ok', 'ok', 'ok']),
      ...slots(b2, 8, ['ok', 'ok', 'ok', 'ok']),
      ...slots(mastodon, 9, ['ok', 'ok', 'ok']), // the last quarter never collected
      ...slots(b1, 9, ['ok', 'ok', 'ok', 'ok']),
      ...slots(b2, 9, ['failed', 'failed', 'failed', 'failed']),
      ...slots(mastodon, 10, ['failed', 'failed', 'failed', 'failed']),
      ...slots(b1, 10, ['failed', 'failed']),
      ...slots(b1, 11, ['rate_limited']),
    ];
    await t.db.query(
      `INSERT INTO source_coverage (topic_source_id, bucket, status)
       SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[])`,
      [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
    );
    const res = await series({ interval: 'hour', from: '2016-04-26T08:00:00Z', to: '2016-04-26T13:00:00Z' });
    expect(res.body.buckets.map((b: { coverage: unknown }) => b.coverage)).toEqual([
      { bluesky: 'ok', mastodon: 'ok', sample: 'none' },
      { bluesky: 'partial', mastodon: 'partial', sample: 'ok' },
      { bluesky: 'failed', mastodon: 'failed', sample: 'ok' },
      { bluesky: 'partial', mastodon: 'none', sample: 'none' },
      { bluesky: 'none', mastodon: 'none', sample: 'none' },
    ]);
    // From the 15-minute records: quarter-hours, and Kathmandu's hours (which start at a quarter past).
    const quarters = await series({
      interval: '15m',
      from: '2016-04-26T09:00:00Z',
      to: '2016-04-26T10:15:00Z',
      sources: 'mastodon',
    });
    expect(quarters.body.buckets.map((b: { coverage: { mastodon: string } }) => b.coverage.mastodon)).toEqual(
      ['ok', 'ok', 'ok', 'none', 'failed'],
    );
    const kathmandu = await series({
      interval: 'hour',
      tz: 'Asia/Kathmandu',
      from: '2016-04-26T08:15:00Z',
      to: '2016-04-26T10:15:00Z',
      sources: 'mastodon',
    });
    expect(
      kathmandu.body.buckets.map((b: { coverage: { mastodon: string } }) => b.coverage.mastodon),
    ).toEqual(['ok', 'partial']);
    const day = await series({ interval: 'day', from: '2016-04-26', to: '2016-04-27', sources: 'mastodon' });
    expect(day.body.buckets[0].coverage).toEqual({ mastodon: 'partial' });
    // A bucket not yet due has nothing to show for collected sources.
    const future = await series({ interval: 'day', from: '2099-01-01', to: '2099-01-02' });
    expect(future.body.buckets[0].coverage).toEqual({ bluesky: 'none', mastodon: 'none' });
  });

  it('sends a strong ETag and a short Cache-Control, and answers a matching If-None-Match with 304', async () => {
    const query = { interval: 'hour', from: '2016-04-26T08:00:00Z', to: '2016-04-26T12:00:00Z' };
    const first = await series(query);
    expect(first.status).toBe(200);
    const etag: string = first.headers.etag;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{20,}"$/);
    expect(first.headers['cache-control']).toBe('public, max-age=30');
    const again = await series(query).set('If-None-Match', etag);
    expect(again.status).toBe(304);
    expect(again.text ?? '').toBe('');
    const added = await t.http
      .post('/api/v1/topics/cov/annotations')
      .set(t.admin)
      .send({ at: '2016-04-26T09:30:00Z', label: 'Talks resume' });
    expect(added.status).toBe(201);
    const changed = await series(query).set('If-None-Match', etag);
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.body.annotations).toEqual([
      { id: added.body.id, at: '2016-04-26T09:30:00Z', label: 'Talks resume', url: null },
    ]);
  });

  it('documents every route in the OpenAPI document, with parameters and response schemas', async () => {
    const doc = (await t.http.get('/docs/openapi.json')).body;
    const series = doc.paths['/api/v1/topics/{slug}/series'].get;
    expect(series.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining([
        'slug',
        'interval',
        'from',
        'to',
        'tz',
        'sources',
        'reposts',
        'lang',
        'version',
        'rolling',
      ]),
    );
    expect(series.responses['200'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/SeriesResponse',
    );
    expect(series.responses['429']).toBeDefined();
    for (const path of [
      '/api/v1/topics/{slug}/summary',
      '/api/v1/compare',
      '/api/v1/topics/{slug}/posts',
      '/api/v1/topics/{slug}/annotations',
    ]) {
      expect(doc.paths[path].get.responses['200']).toBeDefined();
    }
    expect(doc.paths['/api/v1/topics/{slug}/annotations'].post).toBeDefined();
    expect(doc.paths['/api/v1/topics/{slug}/annotations/{id}'].delete).toBeDefined();
    expect(Object.keys(doc.components.schemas.SeriesBucket.properties)).toEqual(
      expect.arrayContaining(['supportShareLow', 'supportShareHigh', 'netSupport', 'lowVolume', 'coverage']),
    );
  });

  it('sends no CORS headers unless CORS_ORIGINS allows the origin', async () => {
    const res = await series({}).set('Origin', 'https://news.example');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe(`series HTTP: CORS and throttling (${engine})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        CORS_ORIGINS: 'https://news.example,https://lab.example',
        THROTTLE_LIMIT: '3',
        THROTTLE_TTL_SECONDS: '60',
      },
    });
    await createTopic(t, 'cors', { timezone: 'UTC' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('allows the configured origins, answers preflights, and exposes ETag', async () => {
    const res = await t.http.get('/api/v1/topics/cors/series').set('Origin', 'https://news.example');
    expect(res.headers['access-control-allow-origin']).toBe('https://news.example');
    expect(res.headers['access-control-expose-headers']).toContain('ETag');
    const other = await t.http.get('/api/v1/topics/cors/summary').set('Origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await t.http
      .options('/api/v1/topics/cors/series')
      .set('Origin', 'https://lab.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://lab.example');
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization/i);
  });

  it('throttles each client across the series routes with a 429 problem and Retry-After', async () => {
    // The CORS test above used two of this client's three requests (its preflight is not counted).
    expect((await t.http.get('/api/v1/topics/cors/posts')).status).toBe(200);
    const res = await t.http.get('/api/v1/topics/cors/annotations');
    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
    // A client with a valid key has its own allowance; a made-up key counts as the address.
    const keyed = await t.http.get('/api/v1/topics/cors/series').set(t.admin);
    expect(keyed.status).toBe(200);
    const madeUp = await t.http.get('/api/v1/topics/cors/series').set('X-API-Key', 'made-up-key-123456789');
    expect(madeUp.status).toBe(429);
    // Routes outside the series API are not throttled by it.
    expect((await t.http.get('/api/v1/topics/cors')).status).toBe(200);
  });
});
