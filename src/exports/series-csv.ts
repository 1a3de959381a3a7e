import { stringify } from 'csv-stringify/sync';
import { CSV_CAST } from './csv-cells.js';
import { type ExportSeries, wallClock } from './series-shape.js';

/**
 * One line a bucket, ready for Datawrapper and spreadsheets: the first column is the bucket's start as
 * wall-clock time in the series' zone (`2016-04-26 09:00`; a date alone for days and weeks), which both
 * recognise as a date; the full ISO-8601 start with its offset comes last, so that the hour repeated when
 * clocks go back stays unambiguous.
 */
export function seriesCsv(series: ExportSeries): string {
  const dateOnly = series.interval === 'day' || series.interval === 'week';
  const header = [
    `start (${series.tz})`,
    'support',
    'oppose',
    'neutral',
    'total',
    'support_share',
    'support_share_low',
    'support_share_high',
    'low_volume',
    'start_iso',
  ];
  const rows = series.buckets.map((b) => [
    dateOnly ? b.start.slice(0, 10) : wallClock(b.start).replace('T', ' '),
    b.support,
    b.oppose,
    b.neutral,
    b.total,
    b.supportShare,
    b.supportShareLow,
    b.supportShareHigh,
    b.lowVolume,
    b.start,
  ]);
  return stringify([header, ...rows], { cast: CSV_CAST, record_delimiter: 'windows' });
}
