import { Injectable } from '@nestjs/common';
import { ExportsRepository } from '../exports/exports.repository.js';
import { seriesPart } from '../exports/exports.dto.js';
import type { SeriesQuery } from '../series/series.dto.js';
import { SeriesService } from '../series/series.service.js';
import { DEFAULT_SPAN, formatInstant, isInterval } from '../series/series-buckets.js';
import { TopicsService } from '../topics/topics.service.js';
import { type WidgetSummary, widgetSummary } from './widget-summary.js';

/** The widget's numbers for a topic and series parameters. */
@Injectable()
export class WidgetService {
  constructor(
    private readonly series: SeriesService,
    private readonly topics: TopicsService,
    private readonly repo: ExportsRepository,
  ) {}

  /**
   * Without a range, a widget shows the period up to the topic's newest post rather than up to now, so that a
   * topic built from an archive (or one whose collection stopped) still shows its data instead of empty days.
   */
  async summary(slug: string, query: SeriesQuery, now = new Date()): Promise<WidgetSummary> {
    const topic = await this.topics.find(slug);
    let q = seriesPart(query);
    if (!q.from && !q.to) {
      const params = await this.series.params(slug, q, now.getTime());
      const newest = await this.repo.newestPostAt(params.topic.id, params.version);
      const span = DEFAULT_SPAN[isInterval(q.interval) ? q.interval : 'hour'].days * 86_400_000;
      if (newest && newest.getTime() < now.getTime() - span / 7) {
        q = { ...q, to: formatInstant(newest.getTime() + 1, params.tz) };
      }
    }
    const series = await this.series.seriesFor(slug, q, now.getTime());
    const updated = await this.repo.lastCollectedAt(topic.id);
    return widgetSummary(series, topic.name, updated);
  }
}
