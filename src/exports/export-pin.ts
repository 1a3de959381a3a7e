import { type ExportProvenance, type ExportSeries, sourcesOf } from './series-shape.js';

/**
 * What an exported file shows, pinned so that a published chart can be traced and rebuilt: the topic and its
 * query, the range, zone and interval, the lexicon and classifier versions, the sources and the filters.
 */
export interface ExportPin {
  /** What the file holds: a series (one line a bucket) or posts (one line a post). */
  kind: 'series' | 'posts';
  topic: string;
  query: string;
  /** Bucket length; null for posts. */
  interval: string | null;
  tz: string;
  from: string;
  to: string;
  version: number;
  classifier: string;
  sources: string[];
  reposts: string;
  lang: string[] | null;
  /** Posts only: the stance asked for, if any. */
  stance?: string | null;
}

export function pinOf(series: ExportSeries, provenance: ExportProvenance): ExportPin {
  return {
    kind: 'series',
    topic: series.topic,
    query: provenance.query,
    interval: series.interval,
    tz: series.tz,
    from: series.from,
    to: series.to,
    version: series.version,
    classifier: provenance.classifier,
    sources: sourcesOf(series),
    reposts: series.filters?.reposts ?? 'include',
    lang: series.filters?.lang ?? null,
  };
}

/** Characters kept in file names: anything else becomes `-`, so the name is safe on every system. */
function slugPart(value: string): string {
  return value
    .replace(/[^A-Za-z0-9._+-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

/** `2016-04-25T00:00:00+01:00` → `20160425T0000` (wall clock in the zone, which the name also carries). */
function compactTime(iso: string): string {
  return iso ? iso.slice(0, 16).replace(/[-:]/g, '') : 'all';
}

/**
 * `juniorcontract_hour_Europe-London_20160425T0000-20160429T0000_v1_lexicon-1_sample.csv`: topic, interval,
 * zone, range, lexicon version, classifier and sources (or `all-sources`), and `no-reposts` when excluded.
 */
export function exportFileName(pin: ExportPin, extension: string, what?: string): string {
  const parts = [
    pin.topic,
    what,
    pin.interval ?? undefined,
    pin.stance ?? undefined,
    slugPart(pin.tz),
    `${compactTime(pin.from)}-${compactTime(pin.to)}`,
    `v${pin.version}`,
    slugPart(pin.classifier),
    pin.sources.length ? pin.sources.map(slugPart).join('+') : 'all-sources',
    pin.reposts === 'exclude' ? 'no-reposts' : undefined,
    pin.lang?.length ? pin.lang.map(slugPart).join('+') : undefined,
  ].filter((p): p is string => p !== undefined && p !== '');
  const name = parts.join('_');
  // File systems allow 255 bytes; the pin is repeated in full in the headers anyway.
  return `${name.slice(0, 240)}.${extension}`;
}

/**
 * The JSON request that rebuilds this export (the series, or the posts listing), as path and query relative
 * to the server's base URL.
 */
export function rebuildPath(pin: ExportPin): string {
  const q = new URLSearchParams();
  if (pin.interval) q.set('interval', pin.interval);
  if (pin.from) q.set('from', pin.from);
  if (pin.to) q.set('to', pin.to);
  q.set('tz', pin.tz);
  q.set('version', String(pin.version));
  q.set('reposts', pin.reposts);
  if (pin.sources.length) q.set('sources', pin.sources.join(','));
  if (pin.lang?.length) q.set('lang', pin.lang.join(','));
  if (pin.stance) q.set('stance', pin.stance);
  const route = pin.kind === 'series' ? 'series' : 'posts';
  return `/api/v1/topics/${encodeURIComponent(pin.topic)}/${route}?${q.toString()}`;
}

/** A quoted-string header parameter (RFC 9110): ASCII only, quotes and backslashes escaped. */
function quoted(value: string): string {
  const ascii = value.replace(/[^\x20-\x7e]/g, (c) => encodeURIComponent(c));
  return `"${ascii.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/**
 * Response headers for an export: a download name, a `Link` to the series that rebuilds it (rel=describedby)
 * and `X-Groundswell-Export` listing the pin as parameters.
 */
export function exportHeaders(
  pin: ExportPin,
  fileName: string,
  baseUrl: string,
  disposition: 'attachment' | 'inline',
): Record<string, string> {
  const asciiName = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const link = `${baseUrl.replace(/\/$/, '')}${rebuildPath(pin)}`;
  const fields = [
    `kind=${pin.kind}`,
    `topic=${quoted(pin.topic)}`,
    `query=${quoted(pin.query)}`,
    ...(pin.interval ? [`interval=${pin.interval}`] : []),
    `tz=${quoted(pin.tz)}`,
    `from=${quoted(pin.from || 'all')}`,
    `to=${quoted(pin.to || 'all')}`,
    `version=${pin.version}`,
    `classifier=${quoted(pin.classifier)}`,
    `sources=${quoted(pin.sources.join(',') || 'all')}`,
    `reposts=${pin.reposts}`,
    `lang=${quoted(pin.lang?.join(',') || 'all')}`,
    ...(pin.stance ? [`stance=${pin.stance}`] : []),
  ];
  return {
    'Content-Disposition': `${disposition}; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    Link: `<${link}>; rel="describedby"; type="application/json"`,
    'X-Groundswell-Export': fields.join('; '),
    'Access-Control-Expose-Headers': 'Content-Disposition, Link, X-Groundswell-Export',
  };
}
