import { parse } from 'csv-parse/sync';
import { neutraliseFormula } from '../../src/exports/csv-cells.js';
import { exportFileName, exportHeaders, pinOf } from '../../src/exports/export-pin.js';
import { seriesCsv } from '../../src/exports/series-csv.js';
import { bucket, hourlySeries, provenance } from './series-fixture.js';

describe('series CSV', () => {
  it('has a header line and one row a bucket, the first column the start in the zone', () => {
    const series = hourlySeries(48);
    const rows: string[][] = parse(seriesCsv(series));
    expect(rows[0]).toEqual([
      'start (Europe/London)',
      'support',
      'oppose',
      'neutral',
      'total',
      'support_share',
      'support_share_low',
      'support_share_high',
      'low_volume',
      'start_iso',
    ]);
    expect(rows).toHaveLength(49);
    // 2016-04-24T23:00Z is midnight in London (BST, +01:00).
    expect(rows[1][0]).toBe('2016-04-25 00:00');
    expect(rows[1][9]).toBe('2016-04-25T00:00:00+01:00');
    const b = series.buckets[10];
    expect(rows[11].slice(1, 9)).toEqual([
      String(b.support),
      String(b.oppose),
      String(b.neutral),
      String(b.total),
      String(b.supportShare),
      String(b.supportShareLow),
      String(b.supportShareHigh),
      String(b.lowVolume),
    ]);
  });

  it('writes dates alone for daily buckets and leaves the share empty where no post took a side', () => {
    const day = 86_400_000;
    const start = Date.parse('2016-04-24T23:00:00Z');
    const series = hourlySeries(0, {
      interval: 'day',
      buckets: [bucket(start, day, 60, 0, 0, 5), bucket(start + day, day, 60, 40, 10, 5)],
    });
    const rows: string[][] = parse(seriesCsv(series));
    expect(rows[1]).toEqual([
      '2016-04-25',
      '0',
      '0',
      '5',
      '5',
      '',
      '',
      '',
      'true',
      '2016-04-25T00:00:00+01:00',
    ]);
    expect(rows[2][0]).toBe('2016-04-26');
    expect(rows[2][5]).toBe('0.8');
  });

  it('separates records with CRLF (RFC 4180) and keeps any zone name in the header', () => {
    const series = hourlySeries(1, { tz: 'America/Argentina/Buenos_Aires' });
    const text = seriesCsv(series);
    expect(text.split('\r\n')).toHaveLength(3);
    expect(parse(text)[0][0]).toBe('start (America/Argentina/Buenos_Aires)');
  });
});

describe('formula neutralisation', () => {
  it.each(['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])(
    'puts an apostrophe before %j',
    (value) => {
      expect(neutraliseFormula(value)).toBe(`'${value}`);
    },
  );

  it('leaves ordinary text alone', () => {
    expect(neutraliseFormula('Standing with the doctors = right')).toBe('Standing with the doctors = right');
    expect(neutraliseFormula('')).toBe('');
  });
});

describe('export pin', () => {
  const series = hourlySeries(24, {
    filters: { sources: ['sample', 'mastodon'], reposts: 'exclude', lang: ['en'] },
  });
  const pin = pinOf(series, provenance);

  it('names topic, interval, zone, range, version, classifier and sources in the file name', () => {
    expect(exportFileName(pin, 'csv')).toBe(
      'juniorcontract_hour_Europe-London_20160425T0000-20160426T0000_v1_lexicon-1_mastodon+sample_no-reposts_en.csv',
    );
    expect(exportFileName(pinOf(hourlySeries(24), provenance), 'png', 'chart')).toBe(
      'juniorcontract_chart_hour_Europe-London_20160425T0000-20160426T0000_v1_lexicon-1_sample.png',
    );
  });

  it('links to the series that rebuilds the file and lists the pin in a header', () => {
    const headers = exportHeaders(pin, exportFileName(pin, 'csv'), 'http://example.org/', 'attachment');
    expect(headers['Content-Disposition']).toMatch(
      /^attachment; filename="juniorcontract_hour_.*\.csv"; filename\*=UTF-8''/,
    );
    const link = /^<([^>]+)>; rel="describedby"/.exec(headers.Link)?.[1];
    const url = new URL(link!);
    expect(url.pathname).toBe('/api/v1/topics/juniorcontract/series');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      interval: 'hour',
      from: '2016-04-25T00:00:00+01:00',
      to: '2016-04-26T00:00:00+01:00',
      tz: 'Europe/London',
      version: '1',
      reposts: 'exclude',
      sources: 'mastodon,sample',
      lang: 'en',
    });
    const pinned = headers['X-Groundswell-Export'];
    for (const part of [
      'topic="juniorcontract"',
      'query="#juniorcontract OR \\"junior doctors\\""',
      'interval=hour',
      'tz="Europe/London"',
      'version=1',
      'classifier="lexicon-1"',
      'sources="mastodon,sample"',
      'reposts=exclude',
    ]) {
      expect(pinned).toContain(part);
    }
  });
});
