import { ChartRenderer } from '../../src/exports/chart-renderer.js';
import {
  chartRows,
  chartSpec,
  creditLines,
  lowVolumeRuns,
  type ChartOptions,
} from '../../src/exports/chart-spec.js';
import { parseSvg, pngSize } from '../support/image-checks.js';
import { hourlySeries, provenance } from './series-fixture.js';

const renderer = new ChartRenderer();
const options: ChartOptions = { width: 600, height: 400, kind: 'both', theme: 'light' };

describe('chart specification', () => {
  it('compiles without a warning for every kind and theme', () => {
    for (const kind of ['share', 'volume', 'both'] as const) {
      for (const theme of ['light', 'dark'] as const) {
        const { warnings } = renderer.compile(
          chartSpec(hourlySeries(), provenance, { ...options, kind, theme }),
        );
        expect({ kind, theme, warnings }).toEqual({ kind, theme, warnings: [] });
      }
    }
  });

  it('carries the data inline with wall-clock times for a UTC scale, and the pin in usermeta', () => {
    const spec = chartSpec(hourlySeries(24), provenance, options) as unknown as {
      vconcat: { data: { values: Record<string, unknown>[] } }[];
      usermeta: { groundswell: Record<string, unknown> };
    };
    const values = spec.vconcat[0].data.values;
    expect(values).toHaveLength(24);
    expect(values[0]).toMatchObject({
      start: '2016-04-25T00:00:00+01:00',
      t: Date.parse('2016-04-25T00:00:00Z'),
    });
    expect(spec.usermeta.groundswell).toMatchObject({
      topic: 'juniorcontract',
      tz: 'Europe/London',
      version: 1,
    });
  });

  it('credits sources, posts, classifier, zone and sample data', () => {
    const series = hourlySeries(24);
    const posts = series.buckets.reduce((n, b) => n + b.total, 0);
    const [first, second] = creditLines(series, provenance);
    expect(first).toBe(
      `Source: sample · ${posts.toLocaleString('en-GB')} posts · classifier lexicon-1, lexicon v1 · Groundswell`,
    );
    expect(second).toContain('Times in Europe/London · sample data');
    expect(creditLines(hourlySeries(24, { sample: false }), provenance)[1]).not.toContain('sample data');
  });
});

describe('chart rendering', () => {
  it('draws a valid SVG with the title, annotation, credit line and low-volume shading', async () => {
    const svg = await renderer.svg(
      chartSpec(hourlySeries(), provenance, { ...options, title: 'Support & <b>oppose</b>' }),
    );
    const { width, height, texts } = parseSvg(svg);
    expect(width).toBeGreaterThan(560);
    expect(width).toBeLessThanOrEqual(620);
    expect(height).toBeGreaterThan(360);
    expect(height).toBeLessThanOrEqual(420);
    expect(texts).toContain('Support & <b>oppose</b>');
    expect(svg).not.toContain('<b>');
    expect(texts).toContain('Strike begins 08:00');
    expect(texts.some((t) => t.startsWith('Source: sample'))).toBe(true);
    expect(texts.some((t) => t.includes('Times in Europe/London · sample data'))).toBe(true);
    // The grey low-volume columns: one rectangle a run of quiet buckets (six quiet hours a night, four nights).
    expect(lowVolumeRuns(chartRows(hourlySeries()))).toHaveLength(4);
    expect((svg.match(/fill="#8c959f"/g) ?? []).length).toBe(4);
  });

  it('draws the dark theme on a dark background and leaves bars out of a share chart', async () => {
    const svg = await renderer.svg(
      chartSpec(hourlySeries(), provenance, { ...options, kind: 'share', theme: 'dark' }),
    );
    expect(svg).toContain('#16191d');
    const { texts } = parseSvg(svg);
    expect(texts).not.toContain('Posts');
    expect(texts).toContain('Support share');
  });

  it('rasterises to a PNG at 1× and 2× of the SVG size', async () => {
    const svg = await renderer.svg(chartSpec(hourlySeries(), provenance, options));
    const { width, height } = parseSvg(svg);
    const one = renderer.png(svg, 1);
    expect(pngSize(one.png)).toEqual({ width: Math.round(width), height: Math.round(height) });
    const two = renderer.png(svg, 2);
    expect(pngSize(two.png)).toEqual({ width: Math.round(width * 2), height: Math.round(height * 2) });
    expect(two.png.length).toBeGreaterThan(one.png.length);
  });

  it('renders an empty series without failing', async () => {
    const svg = await renderer.svg(chartSpec(hourlySeries(0), provenance, options));
    expect(parseSvg(svg).texts.some((t) => t.startsWith('Source'))).toBe(true);
  });
});
