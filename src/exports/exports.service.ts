import { Inject, Injectable } from '@nestjs/common';
import type { TopLevelSpec } from 'vega-lite';
import { POST_CLASSIFIER, type PostClassifier } from '../classification/post-classifier.js';
import { AppConfig } from '../config/app-config.js';
import { FieldValidationError, type FieldError } from '../http/problem-details.js';
import { PostsRepository, type PostRow } from '../series/posts.repository.js';
import { formatInstant } from '../series/series-buckets.js';
import { SeriesParamsParser } from '../series/series-params.js';
import type { SeriesQuery } from '../series/series.dto.js';
import { SeriesService } from '../series/series.service.js';
import type { Topic } from '../topics/topic.entity.js';
import { TopicsService } from '../topics/topics.service.js';
import { ChartRenderer } from './chart-renderer.js';
import { CHART_DEFAULTS, chartSpec, type ChartOptions } from './chart-spec.js';
import type { ChartQuery, PostsCsvQuery } from './exports.dto.js';
import { POST_STANCES, seriesPart } from './exports.dto.js';
import { type ExportPin, exportFileName, exportHeaders, pinOf } from './export-pin.js';
import { pagesOf, postsCsvStream } from './posts-csv.js';
import { seriesCsv } from './series-csv.js';
import type { ExportProvenance, ExportSeries } from './series-shape.js';

/** Posts read per query when streaming a CSV: memory holds one page, whatever the export's size. */
export const POSTS_PAGE_SIZE = 1000;

export interface ExportFile<Body> {
  body: Body;
  contentType: string;
  headers: Record<string, string>;
}

/** Files made from the series API: CSV for spreadsheets and Datawrapper, charts, and the posts behind them. */
@Injectable()
export class ExportsService {
  constructor(
    private readonly series: SeriesService,
    private readonly parser: SeriesParamsParser,
    private readonly topics: TopicsService,
    private readonly posts: PostsRepository,
    private readonly renderer: ChartRenderer,
    private readonly config: AppConfig,
    @Inject(POST_CLASSIFIER) private readonly classifier: PostClassifier,
  ) {}

  /** The series as the API answers it (same validation, same 400s), with what a file must say about it. */
  async seriesWithProvenance(
    slug: string,
    q: SeriesQuery,
  ): Promise<{ series: ExportSeries; provenance: ExportProvenance; pin: ExportPin }> {
    const topic = await this.topics.find(slug);
    const series = await this.series.seriesFor(slug, seriesPart(q));
    const provenance = this.provenanceOf(topic);
    return { series, provenance, pin: pinOf(series, provenance) };
  }

  provenanceOf(topic: Topic): ExportProvenance {
    const tags = topic.query.hashtags.map((h) => `#${h}`);
    const words = topic.query.keywords.map((k) => `"${k}"`);
    return {
      topicName: topic.name,
      classifier: this.classifier.version,
      query: [...tags, ...words].join(' OR ') || '(no query)',
    };
  }

  async seriesCsv(slug: string, q: SeriesQuery, baseUrl: string): Promise<ExportFile<string>> {
    const { series, pin } = await this.seriesWithProvenance(slug, q);
    return {
      body: seriesCsv(series),
      contentType: 'text/csv; charset=utf-8; header=present',
      headers: exportHeaders(pin, exportFileName(pin, 'csv'), baseUrl, 'attachment'),
    };
  }

  async chartSpec(slug: string, q: ChartQuery): Promise<{ spec: TopLevelSpec; pin: ExportPin }> {
    const { series, provenance, pin } = await this.seriesWithProvenance(slug, q);
    const options: ChartOptions = {
      width: q.width ?? CHART_DEFAULTS.width,
      height: q.height ?? CHART_DEFAULTS.height,
      title: q.title,
      kind: q.kind ?? CHART_DEFAULTS.kind,
      theme: q.theme ?? CHART_DEFAULTS.theme,
    };
    return { spec: chartSpec(series, provenance, options), pin };
  }

  async chartVegaLite(slug: string, q: ChartQuery, baseUrl: string): Promise<ExportFile<string>> {
    const { spec, pin } = await this.chartSpec(slug, q);
    return {
      body: JSON.stringify(spec, null, 2),
      contentType: 'application/json; charset=utf-8',
      headers: exportHeaders(pin, exportFileName(pin, 'vl.json', 'chart'), baseUrl, 'inline'),
    };
  }

  async chartSvg(slug: string, q: ChartQuery, baseUrl: string): Promise<ExportFile<string>> {
    const { spec, pin } = await this.chartSpec(slug, q);
    return {
      body: await this.renderer.svg(spec),
      contentType: 'image/svg+xml; charset=utf-8',
      headers: exportHeaders(pin, exportFileName(pin, 'svg', 'chart'), baseUrl, 'inline'),
    };
  }

  async chartPng(
    slug: string,
    q: ChartQuery & { scale?: number },
    baseUrl: string,
  ): Promise<ExportFile<Buffer>> {
    const { spec, pin } = await this.chartSpec(slug, q);
    const { png } = this.renderer.png(await this.renderer.svg(spec), q.scale ?? 2);
    return {
      body: png,
      contentType: 'image/png',
      headers: exportHeaders(pin, exportFileName(pin, 'png', 'chart'), baseUrl, 'inline'),
    };
  }

  /**
   * Every post that matches, newest first, as a CSV stream read a page at a time (keyset paging on the posts
   * listing's index), so memory stays flat whatever the number of posts. Validated like the posts listing.
   */
  async postsCsv(
    slug: string,
    q: PostsCsvQuery,
    baseUrl: string,
  ): Promise<ExportFile<NodeJS.ReadableStream>> {
    const topicRow = await this.topics.find(slug);
    const topic = await this.parser.topic(slug);
    const errors: FieldError[] = [];
    const tz = this.parser.zone(q.tz, topic.timezone, errors);
    const version = await this.parser.version(q.version, topic, errors);
    const filter = await this.parser.filter(q, topic, version, errors);
    const range =
      q.from || q.to ? this.parser.instants(q, tz, { days: 36_500 }, Date.now(), errors) : undefined;
    const stance = q.stance === undefined || q.stance === '' ? null : q.stance;
    if (stance !== null && !(POST_STANCES as readonly string[]).includes(stance)) {
      errors.push({ field: 'stance', message: `stance must be one of ${POST_STANCES.join(', ')}` });
    }
    if (errors.length) throw new FieldValidationError(errors);

    const from = range && q.from ? range.from : null;
    const to = range && q.to ? range.to : null;
    const provenance = this.provenanceOf(topicRow);
    const pin: ExportPin = {
      kind: 'posts',
      topic: topic.slug,
      query: provenance.query,
      interval: null,
      tz,
      from: from === null ? '' : formatInstant(from, tz),
      to: to === null ? '' : formatInstant(to, tz),
      version,
      classifier: provenance.classifier,
      sources: filter.sources ? [...filter.sources].sort() : [],
      reposts: filter.includeReposts ? 'include' : 'exclude',
      lang: filter.langs ? filter.langs.map((l) => (l === '' ? 'und' : l)) : null,
      stance,
    };
    const pages = pagesOf<PostRow, { key: string; id: string }>(
      (after) =>
        this.posts.page({
          topicId: topic.id,
          version,
          stance,
          from,
          to,
          filter,
          textPattern: null,
          sort: 'recent',
          after,
          limit: POSTS_PAGE_SIZE,
        }),
      (last) => ({ key: last.sort_key, id: String(last.id) }),
      POSTS_PAGE_SIZE,
    );
    return {
      body: postsCsvStream(pages, (date) => formatInstant(date.getTime(), tz)),
      contentType: 'text/csv; charset=utf-8; header=present',
      headers: exportHeaders(pin, exportFileName(pin, 'csv', 'posts'), baseUrl, 'attachment'),
    };
  }

  /** The address exports link to: PUBLIC_BASE_URL, else the address the request came to. */
  baseUrl(requestOrigin: string): string {
    return this.config.publicBaseUrl ?? requestOrigin;
  }
}
