import { Controller, Get, Header, Param, Query, Res, UseInterceptors } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { join } from 'node:path';
import { Access } from '../auth/access.decorator.js';
import { ApiKeyService } from '../auth/api-key.service.js';
import { AppConfig } from '../config/app-config.js';
import { seriesPart } from '../exports/exports.dto.js';
import { ApiProblemResponses } from '../http/api-problem-responses.js';
import { HttpCacheInterceptor } from '../series/http-cache.interceptor.js';
import { dashboardPage } from './dashboard-page.js';
import { DASHBOARD_CSP, WIDGET_CSP } from './html.js';
import { WEB_STATIC_DIR } from './static-assets.js';
import { WidgetQuery } from './widget.dto.js';
import { WidgetService } from './widget.service.js';
import { widgetPage } from './widget-page.js';
import type { WidgetSummary } from './widget-summary.js';

function widgetDataPath(slug: string, q: WidgetQuery): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(seriesPart(q))) if (typeof v === 'string' && v !== '') params.set(k, v);
  const qs = params.toString();
  return `/embed/${encodeURIComponent(slug)}/data.json${qs ? `?${qs}` : ''}`;
}

/** The dashboard and the embeddable widget: public pages, served with everything they need. */
@ApiTags('widgets')
@Controller()
@Access('public')
export class WebController {
  constructor(
    private readonly widgets: WidgetService,
    private readonly config: AppConfig,
    private readonly keys: ApiKeyService,
  ) {}

  @Get()
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', DASHBOARD_CSP)
  @Header('X-Frame-Options', 'SAMEORIGIN')
  @Header('Referrer-Policy', 'same-origin')
  @Header('Cache-Control', 'no-cache')
  dashboard(): string {
    return dashboardPage({
      baseUrl: this.config.publicBaseUrl ?? null,
      readKeysRequired: this.keys.readKeysRequired,
    }).value;
  }

  @Get('embed.js')
  @ApiOperation({
    summary: 'The embed script',
    description:
      'Turns every `<div data-groundswell-topic="slug">` on a page into the topic\'s widget (an iframe of /embed/:slug); ' +
      'data-interval, data-from, data-to, data-tz, data-sources, data-reposts, data-lang, data-theme and data-refresh ' +
      'pass on as parameters.',
  })
  @ApiProduces('text/javascript')
  embedScript(@Res() res: Response): void {
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type('text/javascript; charset=utf-8');
    res.sendFile(join(WEB_STATIC_DIR, 'embed.js'));
  }

  @Get('embed/:slug')
  @ApiOperation({
    summary: 'The widget page, for an iframe',
    description:
      'Current support share with its 95% interval, a sparkline, the trend and the time of the last data; refreshes ' +
      'itself. Series parameters, plus theme (light|dark) and refresh (seconds). Public, even when reads need a key.',
  })
  @ApiProduces('text/html')
  @ApiProblemResponses(400, 404)
  async widget(
    @Param('slug') slug: string,
    @Query() q: WidgetQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const summary = await this.widgets.summary(slug, q);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Security-Policy', WIDGET_CSP);
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'public, max-age=60');
    return widgetPage({
      summary,
      dataPath: widgetDataPath(slug, q),
      dashboardPath: `/#/topics/${encodeURIComponent(slug)}`,
      refreshSeconds: q.refresh ?? 300,
      theme: q.theme ?? 'light',
    }).value;
  }

  @Get('embed/:slug/data.json')
  @UseInterceptors(HttpCacheInterceptor)
  @ApiOperation({ summary: "The widget's numbers, which the widget page polls (ETag, 304 when unchanged)" })
  @ApiOkResponse({ description: 'Widget summary', schema: { type: 'object' } })
  @ApiProblemResponses(400, 404)
  widgetData(@Param('slug') slug: string, @Query() q: WidgetQuery): Promise<WidgetSummary> {
    return this.widgets.summary(slug, q);
  }
}
