import { engine } from '../support/databases.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { createTopic, deletePosts, many, seedPosts } from './series-fixtures.js';

describe(`series API (${engine})`, () => {
  let t: TestApp;
  let topicId: number;

  beforeAll(async () => {
    t = await createTestApp();
    topicId = await createTopic(t, 'jc', { timezone: 'Europe/London' });
    await seedPosts(t, topicId, [
      // 27 March 2016: clocks go forward at 01:00 GMT; the London day is 23 hours long.
      ...many('mar27-s', 6, '2016-03-27T00:30:00Z', 'support', { sentiment: 0.5 }),
      ...many('mar27-o', 2, '2016-03-27T22:30:00Z', 'oppose', { sentiment: -0.5 }), // 23:30 BST, still the 27th
      ...many('mar27-n', 1, '2016-03-27T23:10:00Z', 'neutral'), // 00:10 BST on the 28th
      // 30 October 2016: clocks go back at 02:00 BST; the London day is 25 hours long.
      ...many('oct30-s', 3, '2016-10-29T23:30:00Z', 'support'), // 00:30 BST on the 30th
      ...many('oct30-o', 4, '2016-10-30T23:30:00Z', 'oppose'), // 23:30 GMT, still the 30th
      ...many('oct30-bs', 5, '2016-10-30T01:30:00Z', 'support', { source: 'bluesky', lang: 'fr' }),
      ...many('oct30-rp', 2, '2016-10-30T01:45:00Z', 'support', { isRepost: true }),
      ...many('sample', 3, '2016-10-30T12:00:00Z', 'neutral', { source: 'sample' }),
    ]);
  });
  afterAll(async () => {
    await t.close();
  });

  const series = (query: Record<string, string>) => t.http.get('/api/v1/topics/jc/series').query(query);

  it('day buckets follow London midnight: 27 March 2016 is 23 hours long', async () => {
    const res = await series({ interval: 'day', from: '2016-03-26', to: '2016-03-29' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      topic: 'jc',
      interval: 'day',
      tz: 'Europe/London',
      from: '2016-03-26T00:00:00+00:00',
      to: '2016-03-29T00:00:00+01:00',
      version: 1,
      sample: false,
    });
    const days = res.body.buckets.map((b: Record<string, unknown>) => [
      b.start,
      b.end,
      b.support,
      b.oppose,
      b.neutral,
    ]);
    expect(days).toEqual([
      ['2016-03-26T00:00:00+00:00', '2016-03-27T00:00:00+00:00', 0, 0, 0],
      ['2016-03-27T00:00:00+00:00', '2016-03-28T00:00:00+01:00', 6, 2, 0],
      ['2016-03-28T00:00:00+01:00', '2016-03-29T00:00:00+01:00', 0, 0, 1],
    ]);
    const hours = (b: { start: string; end: string }) =>
      (Date.parse(b.end) - Date.parse(b.start)) / 3_600_000;
    expect(res.body.buckets.map(hours)).toEqual([24, 23, 24]);
    const day = res.body.buckets[1];
    expect(day).toMatchObject({
      total: 8,
      supportShare: 0.75,
      netSupport: 0.5,
      meanSentiment: 0.25,
      lowVolume: true,
    });
  });

  it('day buckets on 30 October 2016 are 25 hours long, and hours repeat 01:00 with two offsets', async () => {
    const res = await series({ interval: 'day', from: '2016-10-30', to: '2016-10-31' });
    expect(res.body.buckets).toHaveLength(1);
    const [day] = res.body.buckets;
    expect(day).toMatchObject({
      start: '2016-10-30T00:00:00+01:00',
      end: '2016-10-31T00:00:00+00:00',
      support: 10,
      oppose: 4,
      neutral: 3,
    });
    expect((Date.parse(day.end) - Date.parse(day.start)) / 3_600_000).toBe(25);
    expect(res.body.sample).toBe(true);

    const hourly = await series({
      interval: 'hour',
      from: '2016-10-30T00:00:00+01:00',
      to: '2016-10-30T03:00:00Z',
    });
    expect(hourly.body.buckets.map((b: { start: string }) => b.start)).toEqual([
      '2016-10-30T00:00:00+01:00',
      '2016-10-30T01:00:00+01:00',
      '2016-10-30T01:00:00+00:00',
      '2016-10-30T02:00:00+00:00',
    ]);
    expect(hourly.body.buckets.map((b: { support: number }) => b.support)).toEqual([3, 0, 7, 0]);
  });

  it('filters by source, reposts and language', async () => {
    const q = { interval: 'day', from: '2016-10-30', to: '2016-10-31' };
    const day = async (extra: Record<string, string>) => (await series({ ...q, ...extra })).body.buckets[0];
    expect(await day({ sources: 'bluesky' })).toMatchObject({ support: 5, oppose: 0, neutral: 0 });
    expect(await day({ sources: 'mastodon,sample' })).toMatchObject({ support: 5, oppose: 4, neutral: 3 });
    expect(await day({ reposts: 'exclude' })).toMatchObject({ support: 8, oppose: 4 });
    expect(await day({ lang: 'fr' })).toMatchObject({ support: 5, oppose: 0 });
    expect(await day({ lang: 'en-GB,fr' })).toMatchObject({ support: 10, oppose: 4 });
    const bluesky = await series({ ...q, sources: 'bluesky' });
    expect(bluesky.body.sample).toBe(false);
    expect(bluesky.body.filters).toEqual({ sources: ['bluesky'], reposts: 'include', lang: null });
  });

  it('week buckets start on Monday in the zone', async () => {
    const res = await series({ interval: 'week', from: '2016-03-23', to: '2016-03-30' });
    expect(res.body.buckets.map((b: { start: string }) => b.start)).toEqual([
      '2016-03-21T00:00:00+00:00',
      '2016-03-28T00:00:00+01:00',
    ]);
    expect(res.body.buckets[0]).toMatchObject({ support: 6, oppose: 2, neutral: 0 });
    expect((Date.parse(res.body.buckets[0].end) - Date.parse(res.body.buckets[0].start)) / 3_600_000).toBe(
      167,
    );
  });

  it('answers in another zone when asked, and in half- and quarter-hour zones', async () => {
    const utc = await series({ interval: 'day', from: '2016-03-27', to: '2016-03-28', tz: 'UTC' });
    expect(utc.body.buckets).toEqual([
      expect.objectContaining({
        start: '2016-03-27T00:00:00Z',
        end: '2016-03-28T00:00:00Z',
        support: 6,
        oppose: 2,
        neutral: 1,
      }),
    ]);
    const kathmandu = await series({
      interval: 'hour',
      from: '2016-03-27T06:00',
      to: '2016-03-27T07:00',
      tz: 'Asia/Kathmandu',
    });
    // 00:30Z is 06:15 in Kathmandu (+05:45): inside the 06:00 local hour, which starts at 00:15Z.
    expect(kathmandu.body.buckets).toEqual([
      expect.objectContaining({
        start: '2016-03-27T06:00:00+05:45',
        end: '2016-03-27T07:00:00+05:45',
        support: 6,
      }),
    ]);
    const eucla = await series({
      interval: 'day',
      from: '2016-03-27',
      to: '2016-03-28',
      tz: 'Australia/Eucla',
    });
    expect(eucla.body.buckets[0].start).toBe('2016-03-27T00:00:00+08:45');
  });

  it('adds an N-bucket rolling share that reaches back before from', async () => {
    const res = await series({ interval: 'day', from: '2016-03-28', to: '2016-03-29', rolling: '2' });
    expect(res.body.rolling).toBe(2);
    expect(res.body.buckets).toHaveLength(1);
    // The window is 27 and 28 March: 6 support, 2 oppose.
    expect(res.body.buckets[0]).toMatchObject({ supportShare: null, rollingSupportShare: 0.75 });
    expect(res.body.buckets[0].rollingSupportShareLow).toBeCloseTo(0.4093, 4);
    expect(res.body.buckets[0].rollingSupportShareHigh).toBeCloseTo(0.9285, 4);
  });

  it('leaves deleted posts out of the counts', async () => {
    const before = (await series({ interval: 'day', from: '2016-03-27', to: '2016-03-28' })).body.buckets[0];
    await deletePosts(t, topicId, [{ id: 'mar27-s-0', at: '2016-03-27T00:30:00Z', stance: 'support' }]);
    const after = (await series({ interval: 'day', from: '2016-03-27', to: '2016-03-28' })).body.buckets[0];
    expect(after.support).toBe(before.support - 1);
  });
});
