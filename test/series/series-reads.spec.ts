import { engine } from '../support/databases.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { createTopic, deletePosts, many, seedPosts, type SeededPost } from './series-fixtures.js';

const cue = (text: string, side: 'support' | 'oppose') => ({ text, weight: 2, rule: 'cue', side });

describe(`summary, compare, posts and annotations (${engine})`, () => {
  let t: TestApp;
  let topicId: number;

  beforeAll(async () => {
    t = await createTestApp();
    topicId = await createTopic(t, 'jd', { timezone: 'Europe/London' });
    await createTopic(t, 'nhs', {
      timezone: 'UTC',
      query: { hashtags: ['nhs'], keywords: [], exclude: [], languages: [] },
    });
    const background: SeededPost[] = [];
    // 18–24 April: 4 posts an hour at 08:00–20:00 London time, 3 support to 1 oppose.
    for (let day = 18; day <= 24; day++) {
      for (let hour = 8; hour < 20; hour++) {
        const at = `2016-04-${day}T${String(hour - 1).padStart(2, '0')}:10:00Z`;
        background.push(
          ...many(`bg-${day}-${hour}-s`, 3, at, 'support'),
          ...many(`bg-${day}-${hour}-o`, 1, at, 'oppose'),
        );
      }
    }
    await seedPosts(t, topicId, [
      ...background,
      // 25 April (previous period): 40 support, 40 oppose.
      ...many('prev-s', 40, '2016-04-25T10:00:00Z', 'support'),
      ...many('prev-o', 40, '2016-04-25T11:00:00Z', 'oppose'),
      // 26 April (the period asked for): 70 support, 30 oppose, 20 neutral; a burst at 08:00 London.
      ...many('now-s', 60, '2016-04-26T07:20:00Z', 'support', {
        text: 'Standing with our doctors #juniorcontract #notfairnotsafe',
        explanation: [cue('#notfairnotsafe', 'support'), cue('stand with', 'support')],
        confidence: 0.9,
      }),
      ...many('now-s2', 10, '2016-04-26T13:20:00Z', 'support', {
        text: 'Solidarity #juniorcontract #saveournhs',
        explanation: [cue('Solidarity', 'support')],
        engagement: { likes: 5 },
      }),
      ...many('now-o', 30, '2016-04-26T15:40:00Z', 'oppose', {
        text: 'Get back to work #juniorcontract',
        explanation: [
          cue('get back to work', 'oppose'),
          { text: 'hunt', weight: -1, rule: 'target-directed', side: 'oppose' },
        ],
        confidence: 0.7,
        engagement: { likes: 10, reposts: 2 },
      }),
      ...many('now-n', 20, '2016-04-26T16:00:00Z', 'neutral', { source: 'sample' }),
      {
        id: 'gone',
        at: '2016-04-26T12:00:00Z',
        stance: 'oppose',
        text: 'Something regrettable #juniorcontract #deleteme',
        explanation: [cue('regrettable', 'oppose')],
      },
    ]);
    await deletePosts(t, topicId, [{ id: 'gone', at: '2016-04-26T12:00:00Z', stance: 'oppose' }]);
  });
  afterAll(async () => {
    await t.close();
  });

  it('summarises a period: totals, change with a two-proportion test, hashtags and cues per side, spikes', async () => {
    const res = await t.http.get('/api/v1/topics/jd/summary').query({ from: '2016-04-26', to: '2016-04-27' });
    expect(res.status).toBe(200);
    const s = res.body;
    expect(s).toMatchObject({
      topic: 'jd',
      tz: 'Europe/London',
      from: '2016-04-26T00:00:00+01:00',
      to: '2016-04-27T00:00:00+01:00',
      version: 1,
      sample: true,
      bucketInterval: 'hour',
    });
    expect(s.totals).toMatchObject({
      support: 70,
      oppose: 30,
      neutral: 20,
      total: 120,
      supportShare: 0.7,
      netSupport: 0.333333,
    });
    expect(s.totals.supportShareLow).toBeCloseTo(0.604151, 5);
    expect(s.totals.supportShareHigh).toBeCloseTo(0.781051, 5);
    // The previous period of equal length: 25 April.
    expect(s.previous).toMatchObject({ from: '2016-04-25T00:00:00+01:00', support: 40, oppose: 40 });
    // 70/100 against 40/80: pooled 110/180; z = 0.2 / sqrt(0.61111 × 0.38889 × (1/100 + 1/80)) = 2.73505.
    expect(s.change.difference).toBeCloseTo(0.2, 6);
    expect(s.change.z).toBeCloseTo(2.73505, 4);
    expect(s.change.pValue).toBeCloseTo(0.006237, 5);
    expect(s.change.significant).toBe(true);
    expect(s.topHashtags.support).toEqual([
      { term: 'juniorcontract', posts: 70 },
      { term: 'notfairnotsafe', posts: 60 },
      { term: 'saveournhs', posts: 10 },
    ]);
    // The deleted post's hashtag and cue are gone with it.
    expect(s.topHashtags.oppose).toEqual([{ term: 'juniorcontract', posts: 30 }]);
    expect(s.topCueTerms.support).toEqual([
      { term: '#notfairnotsafe', posts: 60 },
      { term: 'stand with', posts: 60 },
      { term: 'solidarity', posts: 10 },
    ]);
    expect(s.topCueTerms.oppose).toEqual([{ term: 'get back to work', posts: 30 }]);
    // 24 hourly volumes: 60, 10, 30 and 20 among zeros. Median 0 and MAD 0, so the mean absolute deviation (5)
    // scales: z = v / (5 × 1.253314): 9.5746 and 4.7873 pass 3.5; 20 (3.19) and 10 (1.60) do not.
    expect(s.spikes).toEqual([
      expect.objectContaining({ start: '2016-04-26T08:00:00+01:00', total: 60, zScore: 9.574616 }),
      expect.objectContaining({ start: '2016-04-26T16:00:00+01:00', total: 30, zScore: 4.787308 }),
    ]);
    expect(s.busiestBuckets[0]).toMatchObject({ start: '2016-04-26T08:00:00+01:00', total: 60, support: 60 });
  });

  it('summarises the last 7 days by default and validates like the series', async () => {
    const res = await t.http.get('/api/v1/topics/jd/summary');
    expect(res.status).toBe(200);
    expect(Date.parse(res.body.to) - Date.parse(res.body.from)).toBeGreaterThanOrEqual(7 * 86_400_000);
    const bad = await t.http.get('/api/v1/topics/jd/summary').query({ from: 'soon', sources: 'friendster' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['from', 'sources']);
  });

  it('compares topics on the same buckets in the first topic’s zone', async () => {
    const res = await t.http
      .get('/api/v1/compare')
      .query({ topics: 'jd,nhs', interval: 'day', from: '2016-04-25', to: '2016-04-27' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      interval: 'day',
      tz: 'Europe/London',
      from: '2016-04-25T00:00:00+01:00',
    });
    expect(res.body.series.map((s: { topic: string }) => s.topic)).toEqual(['jd', 'nhs']);
    const [jd, nhs] = res.body.series;
    expect(jd.buckets.map((b: { start: string }) => b.start)).toEqual(
      nhs.buckets.map((b: { start: string }) => b.start),
    );
    expect(jd.buckets.map((b: { total: number }) => b.total)).toEqual([80, 120]);
    expect(nhs.buckets.map((b: { total: number }) => b.total)).toEqual([0, 0]);
    expect((await t.http.get('/api/v1/compare').query({ topics: 'jd,missing' })).status).toBe(404);
    const none = await t.http.get('/api/v1/compare').query({ topics: ' , ' });
    expect(none.status).toBe(400);
    expect(none.body.errors[0].field).toBe('topics');
    expect((await t.http.get('/api/v1/compare')).status).toBe(400);
    expect((await t.http.get('/api/v1/compare').query({ topics: 'jd', version: '1' })).status).toBe(400);
  });

  it('lists posts with stance, explanation and URL, paged by an opaque cursor, never deleted ones', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: {
        status: number;
        body: { items: { text: string; url: string; stance: string }[]; nextCursor: string | null };
      } = await t.http.get('/api/v1/topics/jd/posts').query({
        stance: 'oppose',
        from: '2016-04-26',
        to: '2016-04-27',
        limit: '7',
        ...(cursor ? { cursor } : {}),
      });
      expect(res.status).toBe(200);
      for (const p of res.body.items) {
        expect(p.stance).toBe('oppose');
        seen.push(p.url);
      }
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    expect(seen.some((u) => u.endsWith('/gone'))).toBe(false);

    const page = await t.http.get('/api/v1/topics/jd/posts').query({ q: 'back to WORK', limit: '1' });
    expect(page.body.items[0]).toMatchObject({
      source: 'mastodon',
      text: 'Get back to work #juniorcontract',
      stance: 'oppose',
      confidence: 0.7,
      explanation: expect.arrayContaining([
        expect.objectContaining({ rule: 'cue', text: 'get back to work' }),
      ]),
      engagement: { likes: 10, reposts: 2 },
      engagementScore: 12,
      createdAt: '2016-04-26T16:40:00+01:00',
    });
    expect(page.body.items[0].url).toMatch(/^https:\/\/example\.org\/now-o-/);
    const gone = await t.http.get('/api/v1/topics/jd/posts').query({ q: 'regrettable' });
    expect(gone.body.items).toEqual([]);
    const wildcard = await t.http.get('/api/v1/topics/jd/posts').query({ q: '%' });
    expect(wildcard.body.items).toEqual([]);
  });

  it('sorts posts by engagement or confidence, and refuses a cursor of another sort', async () => {
    const byEngagement = await t.http
      .get('/api/v1/topics/jd/posts')
      .query({ sort: 'engagement', limit: '31' });
    const scores = byEngagement.body.items.map((p: { engagementScore: number }) => p.engagementScore);
    expect(scores.slice(0, 30)).toEqual(Array(30).fill(12));
    expect(scores[30]).toBe(5);
    const byConfidence = await t.http
      .get('/api/v1/topics/jd/posts')
      .query({ sort: 'confidence', limit: '61' });
    expect(
      byConfidence.body.items.slice(0, 60).every((p: { confidence: number }) => p.confidence === 0.9),
    ).toBe(true);
    const next = await t.http
      .get('/api/v1/topics/jd/posts')
      .query({ sort: 'confidence', limit: '61', cursor: byConfidence.body.nextCursor });
    expect(next.body.items[0].confidence).toBe(0.7);
    const mismatch = await t.http
      .get('/api/v1/topics/jd/posts')
      .query({ sort: 'recent', cursor: byConfidence.body.nextCursor });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.errors[0].field).toBe('cursor');
    const forged = Buffer.from(
      JSON.stringify({ s: 'recent', k: "2016'; DROP TABLE post; --", id: '1' }),
    ).toString('base64url');
    const bad = await t.http.get('/api/v1/topics/jd/posts').query({ cursor: forged });
    expect(bad.status).toBe(400);
    for (const [field, value] of [
      ['stance', 'angry'],
      ['sort', 'random'],
      ['limit', '0'],
      ['limit', '500'],
      ['cursor', '!!'],
    ]) {
      const res = await t.http.get('/api/v1/topics/jd/posts').query({ [field]: value });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe(field);
    }
  });

  it('adds, lists and removes annotations; writes need the admin key', async () => {
    const created = await t.http.post('/api/v1/topics/jd/annotations').set(t.admin).send({
      at: '2016-04-26T08:00',
      label: 'All-out strike begins 08:00',
      url: 'https://www.bbc.co.uk/news/health-36136078',
    });
    expect(created.status).toBe(201);
    // Without an offset, `at` is wall-clock time in the topic's zone.
    expect(created.body).toMatchObject({
      at: '2016-04-26T08:00:00+01:00',
      label: 'All-out strike begins 08:00',
    });
    expect(
      (await t.http.post('/api/v1/topics/jd/annotations').send({ at: '2016-04-26T08:00Z', label: 'x' }))
        .status,
    ).toBe(401);
    for (const [body, field] of [
      [{ at: 'tomorrow-ish', label: 'x' }, 'at'],
      [{ at: '2016-04-26T08:00Z', label: '' }, 'label'],
      [{ at: '2016-04-26T08:00Z', label: 'x', url: 'javascript:alert(1)' }, 'url'],
      [{ label: 'x' }, 'at'],
    ] as const) {
      const res = await t.http.post('/api/v1/topics/jd/annotations').set(t.admin).send(body);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const list = await t.http.get('/api/v1/topics/jd/annotations').query({ tz: 'UTC' });
    expect(list.body).toEqual([
      {
        id: created.body.id,
        at: '2016-04-26T07:00:00Z',
        label: 'All-out strike begins 08:00',
        url: 'https://www.bbc.co.uk/news/health-36136078',
      },
    ]);
    const series = await t.http
      .get('/api/v1/topics/jd/series')
      .query({ interval: 'day', from: '2016-04-26', to: '2016-04-27' });
    expect(series.body.annotations).toEqual([
      expect.objectContaining({ id: created.body.id, at: '2016-04-26T08:00:00+01:00' }),
    ]);
    expect((await t.http.delete(`/api/v1/topics/jd/annotations/${created.body.id}`)).status).toBe(401);
    expect(
      (await t.http.delete(`/api/v1/topics/nhs/annotations/${created.body.id}`).set(t.admin)).status,
    ).toBe(404);
    expect((await t.http.delete('/api/v1/topics/jd/annotations/abc').set(t.admin)).status).toBe(400);
    expect(
      (await t.http.delete(`/api/v1/topics/jd/annotations/${created.body.id}`).set(t.admin)).status,
    ).toBe(204);
    expect((await t.http.get('/api/v1/topics/jd/annotations')).body).toEqual([]);
  });

  it('the #juniorcontract preset ships the 2016 strike days as annotations', async () => {
    const app = await createTestApp({ env: { LOAD_PRESETS: 'true' } });
    try {
      const res = await app.http
        .get('/api/v1/topics/juniorcontract/annotations')
        .query({ from: '2016-04-26', to: '2016-04-28' });
      expect(res.status).toBe(200);
      expect(res.body.length).toBeGreaterThan(0);
      expect(res.body[0].at).toMatch(/^2016-04-2[67]T\d{2}:00:00\+01:00$/);
    } finally {
      await app.close();
    }
  });
});
