import fc from 'fast-check';
import type { Stance } from '../../src/classification/post-classifier.js';
import { engine } from '../support/databases.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { createTopic, deletePosts, seedPosts, type SeededPost } from './series-fixtures.js';

/**
 * The series answered from rollups must equal a count over the raw classification rows (deleted posts left
 * out), for random posts, zones, intervals, ranges and filters. The raw rows are put in buckets here by the
 * runtime's own Intl time zone data, independently of the luxon arithmetic the service uses.
 */

const DAY = 86_400_000;
// Two weeks around clock changes: Europe (27 March, 30 October 2016), the southern hemisphere (3 April,
// 25 September, 2 October) and North America (6 November).
const WINDOWS = ['2016-03-22', '2016-03-29', '2016-09-20', '2016-09-28', '2016-10-25', '2016-11-01'].map(
  Date.parse,
);
const ZONES = [
  'Europe/London',
  'America/New_York',
  'America/St_Johns',
  'Asia/Kathmandu',
  'Australia/Eucla',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'UTC',
];
const SOURCES = ['mastodon', 'bluesky', 'sample'];
const LANGS = ['en', 'fr', 'en-GB', null];
const SENTIMENTS = [-0.5, 0, 0.25, 1];
const SPAN_DAYS = { '15m': 3, hour: 10, day: 14, week: 21 } as const;

type Interval = keyof typeof SPAN_DAYS;

interface RawRow {
  post_created_at: Date;
  stance: Stance;
  source: string;
  lang: string | null;
  is_repost: boolean;
  sentiment: number;
}

const postArb = fc.record({
  offset: fc.integer({ min: 0, max: 14 * DAY - 1 }),
  stance: fc.constantFrom<Stance>('support', 'oppose', 'neutral'),
  source: fc.constantFrom(...SOURCES),
  lang: fc.constantFrom(...LANGS),
  isRepost: fc.boolean(),
  sentiment: fc.constantFrom(...SENTIMENTS),
  deleted: fc.boolean().map((b) => b && Math.random() < 0.25),
});

const queryArb = fc
  .record({
    window: fc.constantFrom(...WINDOWS),
    zone: fc.constantFrom(...ZONES),
    interval: fc.constantFrom<Interval>('15m', 'hour', 'day', 'week'),
    fromOffset: fc.integer({ min: -2 * DAY, max: 10 * DAY }),
    spanFraction: fc.double({ min: 0.01, max: 1, noNaN: true }),
    sources: fc.option(fc.subarray(SOURCES, { minLength: 1 }), { nil: null }),
    reposts: fc.constantFrom('include', 'exclude'),
    lang: fc.option(fc.subarray(['en', 'fr', 'und'], { minLength: 1 }), { nil: null }),
  })
  // Lord Howe's clocks move by half an hour, so its wall-clock hours are not whole hours of time.
  .filter((q) => !(q.zone === 'Australia/Lord_Howe' && q.interval === 'hour'));

describe(`series equal a count over the raw rows (${engine})`, () => {
  let t: TestApp;
  let run = 0;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('for random data, zones (with clock changes), intervals, ranges and filters', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(postArb, { maxLength: 60 }), queryArb, async (posts, q) => {
        run++;
        const slug = `prop-${run}`;
        const topicId = await createTopic(t, slug, { timezone: 'UTC' });
        const seeded: (SeededPost & { deleted: boolean })[] = posts.map((p, i) => ({
          id: `${slug}-${i}`,
          at: new Date(q.window + p.offset),
          stance: p.stance,
          source: p.source,
          lang: p.lang,
          isRepost: p.isRepost,
          sentiment: p.sentiment,
          deleted: p.deleted,
        }));
        // One old post from each source, so that every source is known to the topic.
        const anchors = SOURCES.map((source) => ({
          id: `${slug}-anchor-${source}`,
          at: '2015-01-01T00:00:00Z',
          stance: 'neutral' as const,
          source,
        }));
        await seedPosts(t, topicId, [...seeded, ...anchors]);
        const doomed = seeded.filter((p) => p.deleted);
        if (doomed.length) await deletePosts(t, topicId, doomed);

        const from = q.window + q.fromOffset;
        const to = from + Math.max(60_000, Math.round(q.spanFraction * SPAN_DAYS[q.interval] * DAY));
        const query: Record<string, string> = {
          interval: q.interval,
          tz: q.zone,
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          reposts: q.reposts,
        };
        if (q.sources) query.sources = q.sources.join(',');
        if (q.lang) query.lang = q.lang.join(',');
        const res = await t.http.get(`/api/v1/topics/${slug}/series`).query(query);
        expect(res.status).toBe(200);
        const buckets: {
          start: string;
          end: string;
          support: number;
          oppose: number;
          neutral: number;
          total: number;
          meanSentiment: number | null;
        }[] = res.body.buckets;

        // The buckets tile the answered range without gaps, and the range covers the one asked for.
        for (let i = 1; i < buckets.length; i++) expect(buckets[i].start).toBe(buckets[i - 1].end);
        const answeredFrom = Date.parse(res.body.from);
        const answeredTo = Date.parse(res.body.to);
        expect(answeredFrom).toBeLessThanOrEqual(from);
        expect(answeredTo).toBeGreaterThanOrEqual(to);

        const raw: RawRow[] = await t.db.query(
          `SELECT c.post_created_at, c.stance, c.source, c.lang, c.is_repost, c.sentiment
             FROM classification c JOIN post p ON p.id = c.post_id
            WHERE c.topic_id = $1 AND c.lexicon_version = 1 AND p.deleted_at IS NULL`,
          [topicId],
        );
        const langOf = (lang: string | null) => (lang ? lang.split('-')[0].toLowerCase() : 'und');
        const expected = new Map<
          string,
          { support: number; oppose: number; neutral: number; sentiment: number }
        >();
        for (const r of raw) {
          const at = new Date(r.post_created_at).getTime();
          if (at < answeredFrom || at >= answeredTo) continue;
          if (q.sources && !q.sources.includes(r.source)) continue;
          if (q.reposts === 'exclude' && r.is_repost) continue;
          if (q.lang && !q.lang.includes(langOf(r.lang))) continue;
          const key = rawLabel(at, q.interval, q.zone);
          const e = expected.get(key) ?? { support: 0, oppose: 0, neutral: 0, sentiment: 0 };
          e[r.stance]++;
          e.sentiment += r.sentiment;
          expected.set(key, e);
        }
        const labels = new Set<string>();
        for (const b of buckets) {
          const key = bucketLabel(b.start, q.interval);
          labels.add(key);
          const e = expected.get(key) ?? { support: 0, oppose: 0, neutral: 0, sentiment: 0 };
          expect([key, b.support, b.oppose, b.neutral]).toEqual([key, e.support, e.oppose, e.neutral]);
          expect(b.total).toBe(e.support + e.oppose + e.neutral);
          if (b.total === 0) expect(b.meanSentiment).toBeNull();
          else expect(b.meanSentiment).toBeCloseTo(e.sentiment / b.total, 5);
        }
        // Every counted raw row fell in one of the answered buckets.
        for (const key of expected.keys()) expect(labels).toContain(key);
      }),
      { numRuns: engine === 'pglite' ? 40 : 60 },
    );
  });
});

/** The bucket a raw post belongs to, named by the runtime's Intl zone data. */
function rawLabel(ms: number, interval: Interval, zone: string): string {
  if (interval === '15m') return new Date(Math.floor(ms / 900_000) * 900_000).toISOString();
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  if (interval === 'day') return date;
  if (interval === 'week') return mondayOf(date);
  const offset = parts.timeZoneName === 'GMT' ? '+00:00' : String(parts.timeZoneName).replace('GMT', '');
  return `${date}T${parts.hour}${offset}`;
}

/** The same name for a bucket of the answer, from its start. */
function bucketLabel(start: string, interval: Interval): string {
  if (interval === '15m') return new Date(Date.parse(start)).toISOString();
  if (interval === 'day' || interval === 'week') return start.slice(0, 10);
  const offset = start.endsWith('Z') ? '+00:00' : start.slice(19);
  return `${start.slice(0, 13)}${offset}`;
}

function mondayOf(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}
