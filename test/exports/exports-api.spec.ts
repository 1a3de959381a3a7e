import { POST_CLASSIFIER, type PostClassifier } from '../../src/classification/post-classifier.js';
import type { Response } from 'superagent';
import { parse } from 'csv-parse/sync';
import { engine } from '../support/databases.js';
import { parseSvg, pngSize } from '../support/image-checks.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { createTopic, many, seedPosts } from '../series/series-fixtures.js';

/** supertest leaves unknown content types unparsed: collect the raw bytes. */
const binary = (res: Response, done: (e: Error | null, body: Buffer) => void): void => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
};

describe(`exports API (${engine})`, () => {
  let t: TestApp;
  const range = { interval: 'hour', from: '2016-04-26T00:00', to: '2016-04-27T00:00', tz: 'Europe/London' };

  beforeAll(async () => {
    t = await createTestApp();
    const topicId = await createTopic(t, 'jc', { name: 'Junior contract', timezone: 'Europe/London' });
    await seedPosts(t, topicId, [
      ...many('s9', 40, '2016-04-26T08:10:00Z', 'support'),
      ...many('o9', 10, '2016-04-26T08:20:00Z', 'oppose'),
      ...many('n9', 5, '2016-04-26T08:30:00Z', 'neutral'),
      ...many('s12', 3, '2016-04-26T11:10:00Z', 'support', { source: 'sample' }),
      {
        id: 'evil-1',
        at: '2016-04-26T12:00:00Z',
        stance: 'oppose',
        text: '=HYPERLINK("http://evil.example","click") #juniorcontract',
      },
      {
        id: 'evil-2',
        at: '2016-04-26T12:01:00Z',
        stance: 'support',
        text: 'Quote "this", and, commas\nnew line #juniorcontract',
      },
      {
        id: 'evil-3',
        at: '2016-04-26T12:02:00Z',
        stance: 'neutral',
        text: '@everyone -1 +1 #juniorcontract',
      },
    ]);
    await t.http
      .post('/api/v1/topics/jc/annotations')
      .set(t.admin)
      .send({ at: '2016-04-26T08:00:00+01:00', label: 'Strike begins 08:00' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('series.csv: header line, one row a bucket in the zone, pinned in name and headers', async () => {
    const res = await t.http.get('/api/v1/topics/jc/series.csv').query(range);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    const rows: string[][] = parse(res.text);
    expect(rows).toHaveLength(25);
    expect(rows[0].slice(0, 8)).toEqual([
      'start (Europe/London)',
      'support',
      'oppose',
      'neutral',
      'total',
      'support_share',
      'support_share_low',
      'support_share_high',
    ]);
    // 08:10–08:30 UTC is the 09:00 hour in London (BST).
    const nine = rows.find((r) => r[0] === '2016-04-26 09:00');
    expect(nine?.slice(1, 6)).toEqual(['40', '10', '5', '55', '0.8']);
    const classifierVersion = t.app.get<PostClassifier>(POST_CLASSIFIER).version;
    expect(res.headers['content-disposition']).toContain(
      `filename="jc_hour_Europe-London_20160426T0000-20160427T0000_v1_${classifierVersion}_`,
    );
    expect(res.headers['content-disposition']).toMatch(/_mastodon\+sample\.csv"/);
    expect(res.headers.link).toMatch(
      /^<http:\/\/127\.0\.0\.1:\d+\/api\/v1\/topics\/jc\/series\?interval=hour&/,
    );
    expect(res.headers['x-groundswell-export']).toContain('query="#juniorcontract"');
    const link = new URL(/<([^>]+)>/.exec(res.headers.link)![1]);
    const rebuilt = await t.http.get(link.pathname + link.search);
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.body.buckets).toHaveLength(24);
  });

  it('series.csv gives the series API’s 400s for bad parameters, and 404 for an unknown topic', async () => {
    const bad = await t.http
      .get('/api/v1/topics/jc/series.csv')
      .query({ interval: 'fortnight', tz: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['interval', 'tz']);
    expect((await t.http.get('/api/v1/topics/nope/series.csv')).status).toBe(404);
  });

  it('posts.csv streams every post with scores, quoted and with formulas neutralised', async () => {
    const res = await t.http.get('/api/v1/topics/jc/posts.csv').query({ tz: 'Europe/London' });
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain('filename="jc_posts_Europe-London_all-all_v1_');
    const rows: string[][] = parse(res.text);
    expect(rows[0]).toEqual(
      expect.arrayContaining(['id', 'created_at', 'stance', 'stance_score', 'confidence', 'text']),
    );
    expect(rows).toHaveLength(1 + 40 + 10 + 5 + 3 + 3);
    const col = (name: string) => rows[0].indexOf(name);
    const texts = rows.slice(1).map((r) => r[col('text')]);
    expect(texts).toContain(`'=HYPERLINK("http://evil.example","click") #juniorcontract`);
    expect(texts).toContain('Quote "this", and, commas\nnew line #juniorcontract');
    expect(texts).toContain("'@everyone -1 +1 #juniorcontract");
    expect(res.text).toContain('"Quote ""this"", and, commas\nnew line #juniorcontract"');
    // Newest first, times in the zone.
    expect(rows[1][col('created_at')]).toBe('2016-04-26T13:02:00+01:00');
  });

  it('posts.csv filters by stance and range and validates like the posts listing', async () => {
    const res = await t.http
      .get('/api/v1/topics/jc/posts.csv')
      .query({ stance: 'oppose', from: '2016-04-26T09:00', to: '2016-04-26T10:00', tz: 'Europe/London' });
    expect(res.status).toBe(200);
    expect(parse(res.text)).toHaveLength(11);
    expect(res.headers['x-groundswell-export']).toContain('stance=oppose');
    const bad = await t.http.get('/api/v1/topics/jc/posts.csv').query({ stance: 'maybe', from: 'yesterday' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['from', 'stance']);
  });

  it('chart.svg is valid SVG with the title, annotation and credit line', async () => {
    const res = await t.http
      .get('/api/v1/topics/jc/chart.svg')
      .query({ ...range, width: 600, height: 380, title: 'Support <for> the doctors' })
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    const svg = parseSvg(res.body.toString('utf8'));
    expect(svg.texts).toContain('Support <for> the doctors');
    expect(svg.texts).toContain('Strike begins 08:00');
    expect(
      svg.texts.find((x) => x.startsWith('Sources: mastodon, sample · 61 posts · classifier ')),
    ).toBeDefined();
    expect(svg.texts.some((x) => x.includes('Times in Europe/London · sample data'))).toBe(true);
    expect(res.headers['content-disposition']).toMatch(/^inline; filename="jc_chart_hour_/);
  });

  it('chart.png is a PNG at twice the size by default, and at the scale asked for', async () => {
    const two = await t.http
      .get('/api/v1/topics/jc/chart.png')
      .query({ ...range, width: 600, height: 400 })
      .buffer(true)
      .parse(binary);
    expect(two.status).toBe(200);
    expect(two.headers['content-type']).toBe('image/png');
    const size = pngSize(two.body);
    expect(size.width).toBeGreaterThanOrEqual(1140);
    expect(size.width).toBeLessThanOrEqual(1240);
    const one = await t.http
      .get('/api/v1/topics/jc/chart.png')
      .query({ ...range, width: 600, height: 400, scale: 1 })
      .buffer(true)
      .parse(binary);
    expect(pngSize(one.body).width * 2).toBe(size.width);
  });

  it('chart.vl.json is the Vega-Lite spec with the data inline', async () => {
    const res = await t.http
      .get('/api/v1/topics/jc/chart.vl.json')
      .query({ ...range, kind: 'share', theme: 'dark' });
    expect(res.status).toBe(200);
    expect(res.body.$schema).toMatch(/vega-lite\/v6/);
    expect(res.body.vconcat[0].data.values).toHaveLength(24);
    expect(res.body.usermeta.groundswell).toMatchObject({
      topic: 'jc',
      tz: 'Europe/London',
      interval: 'hour',
    });
  });

  it('chart options are validated, each bad one named', async () => {
    const res = await t.http
      .get('/api/v1/topics/jc/chart.svg')
      .query({ width: 10, height: 'tall', kind: 'pie', theme: 'neon', interval: 'year' });
    expect(res.status).toBe(400);
    expect([...new Set(res.body.errors.map((e: { field: string }) => e.field))].sort()).toEqual([
      'height',
      'kind',
      'theme',
      'width',
    ]);
    const series = await t.http.get('/api/v1/topics/jc/chart.svg').query({ interval: 'year' });
    expect(series.status).toBe(400);
    expect(series.body.errors.map((e: { field: string }) => e.field)).toEqual(['interval']);
  });
});
