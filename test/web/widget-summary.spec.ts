import { html } from '../../src/web/html.js';
import { sparkPaths, trendOf, widgetSummary, wilson } from '../../src/web/widget-summary.js';
import { bucket, hourlySeries } from '../exports/series-fixture.js';

describe('widget summary', () => {
  it('pools the latest day of hourly buckets with data, with a Wilson interval', () => {
    const start = Date.parse('2016-04-25T23:00:00Z');
    const buckets = [
      ...Array.from({ length: 24 }, (_, i) => bucket(start + i * 3_600_000, 3_600_000, 60, 5, 5, 1)),
      ...Array.from({ length: 24 }, (_, i) => bucket(start + (24 + i) * 3_600_000, 3_600_000, 60, 8, 2, 1)),
      // Empty buckets after the data do not count as "now".
      ...Array.from({ length: 6 }, (_, i) => bucket(start + (48 + i) * 3_600_000, 3_600_000, 60, 0, 0, 0)),
    ];
    const s = widgetSummary(hourlySeries(0, { buckets }), 'JC', null);
    expect(s.sided).toBe(240);
    expect(s.share).toBe(0.8);
    const w = wilson(192, 240)!;
    expect(s.low).toBeCloseTo(w.low, 4);
    expect(s.high).toBeCloseTo(w.high, 4);
    expect(s.lastDataAt).toBe(buckets[47].end);
    expect(s.trend.direction).toBe('rising');
    expect(s.trend.change).toBeCloseTo(0.3, 4);
    expect(s.updatedAt).toBeNull();
  });

  it('calls a change steady unless a two-proportion test finds it at 95%', () => {
    expect(trendOf({ support: 11, oppose: 9 }, { support: 9, oppose: 11 }).direction).toBe('steady');
    expect(trendOf({ support: 300, oppose: 100 }, { support: 200, oppose: 200 }).direction).toBe('rising');
    expect(trendOf({ support: 100, oppose: 300 }, { support: 200, oppose: 200 }).direction).toBe('falling');
    expect(trendOf({ support: 1, oppose: 0 }, { support: 0, oppose: 0 }).direction).toBe('unknown');
  });

  it('draws the sparkline with gaps where no post took a side', () => {
    const start = Date.parse('2016-04-25T23:00:00Z');
    const buckets = [0, 1, 2, 3].map((i) =>
      bucket(start + i * 3_600_000, 3_600_000, 60, i === 2 ? 0 : 10, i === 2 ? 0 : 10, 0),
    );
    const { line, band } = sparkPaths(buckets);
    expect(line.match(/M/g)).toHaveLength(2);
    expect(band.match(/Z/g)).toHaveLength(2);
    expect(sparkPaths([])).toEqual({ line: '', band: '' });
  });
});

describe('html template', () => {
  it('escapes every interpolated value', () => {
    const text = '<script>alert("x")</script>';
    expect(html`<p title="${text}">${text}</p>`.value).toBe(
      '<p title="&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;">&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;</p>',
    );
    expect(html`<div>${html`<b>${'&'}</b>`}</div>`.value).toBe('<div><b>&#38;</b></div>');
  });
});
