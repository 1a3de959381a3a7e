import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  bucketBoundaries,
  bucketStart,
  canonicalZone,
  formatInstant,
  formatInstants,
  INTERVALS,
  nextBucketStart,
  parseInstant,
  type SeriesInterval,
} from '../../src/series/series-buckets.js';

const H = 3_600_000;
const utc = (iso: string) => Date.parse(iso);

function boundaries(from: string, to: string, interval: SeriesInterval, zone: string): number[] {
  const result = bucketBoundaries(utc(from), utc(to), interval, zone);
  if (!result.ok) throw new Error('too many buckets');
  return result.boundaries;
}

const lengths = (b: number[]) => b.slice(1).map((x, i) => (x - b[i]) / H);

describe('series buckets', () => {
  it('London days of 2016 are 23 hours on 27 March and 25 hours on 30 October', () => {
    const spring = boundaries('2016-03-26T00:00:00Z', '2016-03-29T00:00:00+01:00', 'day', 'Europe/London');
    expect(formatInstants(spring, 'Europe/London')).toEqual([
      '2016-03-26T00:00:00+00:00',
      '2016-03-27T00:00:00+00:00',
      '2016-03-28T00:00:00+01:00',
      '2016-03-29T00:00:00+01:00',
    ]);
    expect(lengths(spring)).toEqual([24, 23, 24]);
    const autumn = boundaries('2016-10-29T00:00:00+01:00', '2016-11-01T00:00:00Z', 'day', 'Europe/London');
    expect(lengths(autumn)).toEqual([24, 25, 24]);
    expect(formatInstants(autumn, 'Europe/London')[2]).toBe('2016-10-31T00:00:00+00:00');
  });

  it('London hours skip 01:00 in spring and repeat it in autumn', () => {
    const spring = boundaries('2016-03-27T00:00:00Z', '2016-03-27T03:00:00Z', 'hour', 'Europe/London');
    expect(formatInstants(spring, 'Europe/London')).toEqual([
      '2016-03-27T00:00:00+00:00',
      '2016-03-27T02:00:00+01:00',
      '2016-03-27T03:00:00+01:00',
      '2016-03-27T04:00:00+01:00',
    ]);
    const autumn = boundaries('2016-10-30T00:00:00Z', '2016-10-30T02:00:00Z', 'hour', 'Europe/London');
    expect(formatInstants(autumn, 'Europe/London')).toEqual([
      '2016-10-30T01:00:00+01:00',
      '2016-10-30T01:00:00+00:00',
      '2016-10-30T02:00:00+00:00',
    ]);
  });

  it('weeks start on Monday at local midnight', () => {
    const weeks = boundaries('2016-03-23T12:00:00Z', '2016-04-05T00:00:00Z', 'week', 'Europe/London');
    expect(formatInstants(weeks, 'Europe/London')).toEqual([
      '2016-03-21T00:00:00+00:00',
      '2016-03-28T00:00:00+01:00',
      '2016-04-04T00:00:00+01:00',
      '2016-04-11T00:00:00+01:00',
    ]);
    expect(lengths(weeks)).toEqual([167, 168, 168]);
  });

  it('half- and quarter-hour zones: Kathmandu (+05:45), Eucla (+08:45), Lord Howe (30-minute DST)', () => {
    const kathmandu = boundaries('2016-03-27T00:20:00Z', '2016-03-27T02:00:00Z', 'hour', 'Asia/Kathmandu');
    expect(kathmandu.map((b) => new Date(b).toISOString().slice(11, 16))).toEqual([
      '00:15',
      '01:15',
      '02:15',
    ]);
    expect(formatInstant(kathmandu[0], 'Asia/Kathmandu')).toBe('2016-03-27T06:00:00+05:45');
    const eucla = boundaries('2016-03-27T00:00:00Z', '2016-03-27T01:00:00Z', 'day', 'Australia/Eucla');
    expect(new Date(eucla[0]).toISOString()).toBe('2016-03-26T15:15:00.000Z');
    // Lord Howe ends DST at 02:00 on 3 April 2016 (back to 01:30) and starts it on 2 October (02:00 → 02:30).
    const lordHowe = boundaries('2016-04-02T12:00:00Z', '2016-04-04T12:00:00Z', 'day', 'Australia/Lord_Howe');
    expect(lengths(lordHowe)).toEqual([24, 24.5, 24]);
    const spring = boundaries('2016-10-01T12:00:00Z', '2016-10-03T12:00:00Z', 'day', 'Australia/Lord_Howe');
    expect(lengths(spring)).toEqual([24, 23.5, 24]);
  });

  it('15-minute buckets are the UTC grid of the rollups', () => {
    const quarter = boundaries('2016-03-27T00:07:00Z', '2016-03-27T00:31:00Z', '15m', 'Asia/Kathmandu');
    expect(quarter.map((b) => new Date(b).toISOString().slice(11, 16))).toEqual([
      '00:00',
      '00:15',
      '00:30',
      '00:45',
    ]);
  });

  it('refuses more than 5,000 buckets, counting before building them', () => {
    expect(bucketBoundaries(0, 5000 * 15 * 60_000, '15m', 'UTC').ok).toBe(true);
    expect(bucketBoundaries(0, 5001 * 15 * 60_000, '15m', 'UTC').ok).toBe(false);
    const huge = bucketBoundaries(0, 253_402_300_799_000, 'hour', 'Europe/London');
    expect(huge).toEqual({ ok: false, buckets: expect.any(Number) });
  });

  it('reads dates in the zone unless they carry an offset', () => {
    expect(parseInstant('2016-03-27', 'Europe/London')).toBe(utc('2016-03-27T00:00:00Z'));
    expect(parseInstant('2016-03-28', 'Europe/London')).toBe(utc('2016-03-27T23:00:00Z'));
    expect(parseInstant('2016-03-28T08:00', 'Asia/Kathmandu')).toBe(utc('2016-03-28T02:15:00Z'));
    expect(parseInstant('2016-03-28T08:00:00Z', 'Asia/Kathmandu')).toBe(utc('2016-03-28T08:00:00Z'));
    expect(parseInstant('2016-03-28T08:00:00-05:00', 'UTC')).toBe(utc('2016-03-28T13:00:00Z'));
    for (const bad of ['yesterday', '2016-13-01', '2016-02-30', '', '1459468800000']) {
      expect(parseInstant(bad, 'UTC')).toBeUndefined();
    }
  });

  it('knows IANA zones and keeps their names', () => {
    expect(canonicalZone('europe/london')).toBe('Europe/London');
    expect(canonicalZone('Asia/Kathmandu')).toBe('Asia/Kathmandu');
    expect(canonicalZone('Etc/UTC')).toBe('UTC');
    expect(canonicalZone('Mars/Olympus_Mons')).toBeUndefined();
    expect(canonicalZone('UTC+3')).toBeUndefined();
    expect(canonicalZone('')).toBeUndefined();
  });

  const zones = [
    'Europe/London',
    'America/New_York',
    'America/St_Johns',
    'Asia/Kathmandu',
    'Australia/Eucla',
    'Australia/Lord_Howe',
    'Pacific/Chatham',
    'Asia/Tehran',
    'Africa/Casablanca',
    'UTC',
  ];
  const instant = fc.integer({ min: utc('2015-01-01T00:00:00Z'), max: utc('2018-01-01T00:00:00Z') });

  it('steps Lord Howe hours across its half-hour clock change as luxon does', () => {
    const from = 1459126800001;
    const fast = bucketBoundaries(from, from + 134 * H, 'hour', 'Australia/Lord_Howe');
    const slow = [bucketStart(from, 'hour', 'Australia/Lord_Howe')];
    while (slow[slow.length - 1] < from + 134 * H) {
      slow.push(nextBucketStart(slow[slow.length - 1], 'hour', 'Australia/Lord_Howe'));
    }
    expect(fast).toEqual({ ok: true, boundaries: slow });
  });

  it('the fast boundary stepping agrees with luxon stepping one bucket at a time', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom(...INTERVALS),
        instant,
        fc.integer({ min: 1, max: 400 }),
        (zone, interval, from, count) => {
          const span = { '15m': 15 * 60_000, hour: H, day: 24 * H, week: 168 * H }[interval] * count;
          const fast = bucketBoundaries(from, from + span, interval, zone);
          if (!fast.ok) return false;
          const slow = [bucketStart(from, interval, zone)];
          while (slow[slow.length - 1] < from + span)
            slow.push(nextBucketStart(slow[slow.length - 1], interval, zone));
          expect(fast.boundaries).toEqual(slow);
          return true;
        },
      ),
      { numRuns: 400 },
    );
  });

  it('formats many instants exactly as luxon formats each one', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.array(instant, { minLength: 1, maxLength: 60 }),
        (zone, raw) => {
          const sorted = [...raw].sort((a, b) => a - b);
          expect(formatInstants(sorted, zone)).toEqual(
            sorted.map((ms) => DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true })),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
