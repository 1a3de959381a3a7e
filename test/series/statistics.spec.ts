import { coverageStatus, shareOf } from '../../src/series/series.service.js';
import { normalCdf, twoProportionTest, volumeSpikes } from '../../src/series/summary.service.js';
import { wilsonInterval } from '../../src/series/wilson-interval.js';

describe('statistics of a series', () => {
  it('Wilson 95% interval matches values computed by hand', () => {
    // (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n), z = 1.959964, rounded to 4 places.
    const cases: [number, number, number, number][] = [
      [8, 10, 0.4902, 0.9433],
      [0, 10, 0, 0.2775],
      [50, 100, 0.4038, 0.5962],
      [1, 1, 0.2065, 1],
      [6, 8, 0.4093, 0.9285],
      [120, 165, 0.6547, 0.7895],
    ];
    for (const [successes, trials, low, high] of cases) {
      const interval = wilsonInterval(successes, trials);
      expect(interval?.low).toBeCloseTo(low, 4);
      expect(interval?.high).toBeCloseTo(high, 4);
    }
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('support share ignores neutral posts and is null when no post took a side', () => {
    expect(shareOf({ support: 3, oppose: 1 })).toEqual({ share: 0.75, low: 0.300642, high: 0.954413 });
    expect(shareOf({ support: 0, oppose: 0 })).toEqual({ share: null, low: null, high: null });
  });

  it('two-proportion test against hand-computed z and p', () => {
    // 60/100 against 45/100: pooled p = 0.525, se = 0.070622, z = 2.12398, two-sided p = 0.033672.
    const test = twoProportionTest(60, 100, 45, 100);
    expect(test?.difference).toBeCloseTo(0.15, 10);
    expect(test?.z).toBeCloseTo(2.12398, 4);
    expect(test?.pValue).toBeCloseTo(0.033672, 5);
    expect(twoProportionTest(5, 10, 0, 0)).toBeNull();
    expect(twoProportionTest(10, 10, 4, 4)).toEqual({ difference: 0, z: null, pValue: null });
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
  });

  it('volume spikes by modified z-score stand out from a steady background', () => {
    const bucket = (i: number, total: number) => ({
      start: `s${i}`,
      end: `e${i}`,
      total,
      support: total,
      oppose: 0,
      supportShare: total ? 1 : null,
    });
    const volumes = [10, 12, 9, 11, 10, 13, 80, 10, 11, 9, 12, 10];
    const spikes = volumeSpikes(volumes.map((v, i) => bucket(i, v)));
    // median 10.5, MAD 1: (80 − 10.5) × 0.6745 = 46.88.
    expect(spikes).toEqual([expect.objectContaining({ start: 's6', total: 80, zScore: 46.87775 })]);
    expect(volumeSpikes(volumes.slice(0, 5).map((v, i) => bucket(i, v)))).toEqual([]);
    // Mostly identical volumes (MAD 0): the mean absolute deviation stands in.
    const flat = volumeSpikes([5, 5, 5, 5, 5, 5, 5, 5, 40].map((v, i) => bucket(i, v)));
    expect(flat.map((s) => s.start)).toEqual(['s8']);
    expect(volumeSpikes([7, 7, 7, 7, 7, 7, 7, 7].map((v, i) => bucket(i, v)))).toEqual([]);
  });

  it('coverage of a bucket from its 15-minute records', () => {
    expect(coverageStatus(undefined, 4)).toBe('none');
    expect(coverageStatus({ ok: 4, partial: 0, failed: 0 }, 4)).toBe('ok');
    expect(coverageStatus({ ok: 3, partial: 0, failed: 0 }, 4)).toBe('partial'); // one slot never collected
    expect(coverageStatus({ ok: 3, partial: 1, failed: 0 }, 4)).toBe('partial'); // partial or rate-limited
    expect(coverageStatus({ ok: 2, partial: 0, failed: 2 }, 4)).toBe('partial');
    expect(coverageStatus({ ok: 0, partial: 0, failed: 2 }, 4)).toBe('failed');
    expect(coverageStatus({ ok: 0, partial: 0, failed: 4 }, 4)).toBe('failed');
    // Records for slots not yet due (the current one) still count.
    expect(coverageStatus({ ok: 1, partial: 0, failed: 0 }, 0)).toBe('ok');
  });
});
