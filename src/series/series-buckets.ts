import { DateTime, IANAZone } from 'luxon';
import { BUCKET_MS } from './rollup.repository.js';

export const INTERVALS = ['15m', 'hour', 'day', 'week'] as const;
export type SeriesInterval = (typeof INTERVALS)[number];

/** The most buckets one series may have; a longer range needs a coarser interval. */
export const MAX_BUCKETS = 5000;

/** A bucket's nominal length, used to size a range before its buckets are built. */
const NOMINAL_MS: Record<SeriesInterval, number> = {
  '15m': BUCKET_MS,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
};

/** How far back a series reaches when `from` is not given. */
export const DEFAULT_SPAN: Record<SeriesInterval, { days: number }> = {
  '15m': { days: 1 },
  hour: { days: 7 },
  day: { days: 90 },
  week: { days: 364 },
};

export function isInterval(value: unknown): value is SeriesInterval {
  return typeof value === 'string' && (INTERVALS as readonly string[]).includes(value);
}

/**
 * The zone's name as answers show it, or undefined if it is not an IANA zone. Only the spelling is tidied
 * (`europe/london` → `Europe/London`, `Etc/UTC` → `UTC`); a name is never swapped for an alias the runtime
 * prefers (`Asia/Kathmandu` stays, not `Asia/Katmandu`).
 */
export function canonicalZone(name: string): string | undefined {
  if (name.length === 0 || name.length > 64) return undefined;
  if (zoneNames.has(name)) return zoneNames.get(name);
  const canonical = resolveZone(name);
  // Bounded: the cache holds what clients ask for, and they may ask for anything.
  if (zoneNames.size < 2000) zoneNames.set(name, canonical);
  return canonical;
}

const zoneNames = new Map<string, string | undefined>();

function resolveZone(name: string): string | undefined {
  if (!IANAZone.isValidZone(name)) return undefined;
  // Fixed offsets such as "UTC+3" are luxon's, not IANA's: only names the runtime's tz database knows pass.
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-GB', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  if (resolved === 'UTC' || resolved.toLowerCase() === name.toLowerCase()) return resolved;
  return name;
}

/**
 * Reads an ISO-8601 date or date-time. A value without an offset is a wall-clock time in `zone`
 * (`2016-03-27` is local midnight); a value with `Z` or an offset is that instant.
 */
export function parseInstant(value: string, zone: string): number | undefined {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > 64) return undefined;
  const parsed = DateTime.fromISO(trimmed, { zone });
  return parsed.isValid ? parsed.toMillis() : undefined;
}

/** An instant as ISO-8601 with the offset `zone` has at that instant (`2016-03-27T00:00:00+00:00`). */
export function formatInstant(ms: number, zone: string): string {
  return (
    DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? new Date(ms).toISOString()
  );
}

/** Every boundary lies on the 15-minute UTC grid of the rollups, so every bucket is a union of rollup rows. */
function onGrid(ms: number): number {
  return Math.floor(ms / BUCKET_MS) * BUCKET_MS;
}

/** The start of the bucket that contains `ms`. Days and weeks start at local midnight; weeks on Monday. */
export function bucketStart(ms: number, interval: SeriesInterval, zone: string): number {
  if (interval === '15m') return onGrid(ms);
  const local = DateTime.fromMillis(ms, { zone });
  const unit = interval === 'hour' ? 'hour' : interval === 'day' ? 'day' : 'week';
  return onGrid(local.startOf(unit).toMillis());
}

/** The start of the bucket after the one that starts at `start`. */
export function nextBucketStart(start: number, interval: SeriesInterval, zone: string): number {
  switch (interval) {
    case '15m':
      return start + BUCKET_MS;
    case 'hour': {
      // Local hours follow the wall clock: in a zone whose offset changes by half an hour, an hour may be short.
      const next = bucketStart(start + 3_600_000, 'hour', zone);
      return next > start ? next : start + 3_600_000;
    }
    case 'day':
    case 'week': {
      const local = DateTime.fromMillis(start, { zone });
      const next = onGrid(local.plus(interval === 'day' ? { days: 1 } : { weeks: 1 }).toMillis());
      // Calendar arithmetic lands on local midnight of the next day (23 or 25 hours later on a clock change).
      return next > start ? next : start + NOMINAL_MS[interval];
    }
  }
}

export type BoundaryResult = { ok: true; boundaries: number[] } | { ok: false; buckets: number };

/**
 * The bucket boundaries covering [from, to): the first bucket contains `from`, the last contains the moment
 * just before `to`. n buckets give n + 1 boundaries. Refuses (with an estimate) more than `max` buckets.
 *
 * Between clock changes a zone's offset is constant, and a bucket is then exactly its nominal length; so the
 * boundaries are stepped arithmetically while the zone's offset (from luxon) stays the same, and luxon's
 * calendar arithmetic takes over for the one step across each change.
 */
export function bucketBoundaries(
  from: number,
  to: number,
  interval: SeriesInterval,
  zone: string,
  max = MAX_BUCKETS,
): BoundaryResult {
  // Sized before building, so that an absurd range costs nothing; DST days are at most 25/24 of nominal.
  const estimate = Math.ceil((to - from) / NOMINAL_MS[interval]);
  if (estimate > max * 1.1 + 2) return { ok: false, buckets: estimate };
  const step = NOMINAL_MS[interval];
  const offsets = new ZoneOffsets(zone);
  const boundaries = [bucketStart(from, interval, zone)];
  while (boundaries[boundaries.length - 1] < to) {
    const last = boundaries[boundaries.length - 1];
    // After a half-hour clock change a wall-clock hour can start off the hour, so a run starts only where the
    // next bucket would start on the hour; otherwise luxon takes the step.
    if (interval !== '15m' && bucketStart(last + step, interval, zone) !== last + step) {
      boundaries.push(nextBucketStart(last, interval, zone));
      continue;
    }
    const count = Math.max(1, Math.min(max + 1 - (boundaries.length - 1), Math.ceil((to - last) / step)));
    const run = Array.from({ length: count + 1 }, (_, k) => last + k * step);
    if (interval === '15m') {
      boundaries.push(...run.slice(1));
    } else {
      const runOffsets = offsets.forSorted(run);
      let k = 1;
      while (k < run.length && runOffsets[k] === runOffsets[0]) boundaries.push(run[k++]);
      if (k < run.length) boundaries.push(nextBucketStart(boundaries[boundaries.length - 1], interval, zone));
    }
    if (boundaries.length - 1 > max) return { ok: false, buckets: Math.max(estimate, max + 1) };
  }
  return { ok: true, boundaries };
}

/** No zone changes its offset and changes it back within a day: equal offsets a day apart mean none between. */
const QUIET_MS = 86_400_000;

/**
 * A zone's UTC offsets (minutes), looked up through luxon. Offsets change only at rare transitions, so for
 * ascending instants most lookups are skipped: equal offsets at both ends of a span of at most a day mean the
 * whole span has that offset.
 */
export class ZoneOffsets {
  private readonly zone: IANAZone;
  private readonly cache = new Map<number, number>();

  constructor(name: string) {
    this.zone = IANAZone.create(name);
  }

  at(ms: number): number {
    let offset = this.cache.get(ms);
    if (offset === undefined) {
      offset = this.zone.offset(ms);
      this.cache.set(ms, offset);
    }
    return offset;
  }

  forSorted(instants: readonly number[]): number[] {
    const out = new Array<number>(instants.length);
    if (instants.length === 0) return out;
    const fill = (lo: number, hi: number): void => {
      out[lo] ??= this.at(instants[lo]);
      out[hi] ??= this.at(instants[hi]);
      if (hi - lo <= 1) return;
      if (out[lo] === out[hi] && instants[hi] - instants[lo] <= QUIET_MS) {
        for (let i = lo + 1; i < hi; i++) out[i] = out[lo];
        return;
      }
      const mid = (lo + hi) >> 1;
      fill(lo, mid);
      fill(mid, hi);
    };
    fill(0, instants.length - 1);
    return out;
  }
}

/**
 * ISO-8601 texts of many instants with the offsets of `zone` (the same text as formatInstant), with few zone
 * lookups: for the boundaries of a long series.
 */
export function formatInstants(instants: readonly number[], zone: string): string[] {
  const offsets = new ZoneOffsets(zone).forSorted(instants);
  return instants.map((ms, i) => isoWithOffset(ms, offsets[i], zone) ?? formatInstant(ms, zone));
}

function isoWithOffset(ms: number, offsetMinutes: number, zone: string): string | undefined {
  // Offsets in seconds (local mean time before 1972 in a few zones) are left to luxon.
  if (!Number.isInteger(offsetMinutes)) return undefined;
  const local = new Date(ms + offsetMinutes * 60_000).toISOString();
  const wall = ms % 1000 === 0 ? local.slice(0, 19) : local.slice(0, 23);
  if (zone === 'UTC') return `${wall}Z`;
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${wall}${offsetMinutes < 0 ? '-' : '+'}${hh}:${mm}`;
}

/** The starts of the `count` buckets before the one starting at `start`, oldest first (rolling windows). */
export function bucketsBefore(
  start: number,
  count: number,
  interval: SeriesInterval,
  zone: string,
): number[] {
  const starts: number[] = [];
  let at = start;
  for (let i = 0; i < count; i++) {
    at = bucketStart(at - 1, interval, zone);
    starts.unshift(at);
  }
  return starts;
}
