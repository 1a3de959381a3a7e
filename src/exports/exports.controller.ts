import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { ApiProblemResponses } from '../http/api-problem-responses.js';
import { SeriesQuery } from '../series/series.dto.js';
import { ChartQuery, PngChartQuery, PostsCsvQuery } from './exports.dto.js';
import { ExportsService, type ExportFile } from './exports.service.js';

const PIN_NOTE =
  ' The file name, a `Link` header (rel="describedby", the JSON request that rebuilds it) and `X-Groundswell-Export` ' +
  'pin topic, query, zone, interval, range, lexicon and classifier versions and sources.';

function origin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

function send<Body>(res: Response, file: ExportFile<Body>): Body {
  res.setHeader('Content-Type', file.contentType);
  for (const [name, value] of Object.entries(file.headers)) res.setHeader(name, value);
  res.setHeader('Cache-Control', 'private, max-age=30');
  return file.body;
}

@ApiTags('exports')
@Controller('topics/:slug')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Get('series.csv')
  @ApiOperation({
    summary: 'The series as CSV, ready for Datawrapper and spreadsheets',
    description:
      'Same parameters and validation as the series. Columns: bucket start (wall-clock time in `tz`), support, oppose, ' +
      'neutral, total, support share and its 95% interval, low-volume flag, ISO start with offset.' +
      PIN_NOTE,
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'CSV with a header line',
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  @ApiProblemResponses(400, 401, 403, 404, 429)
  async seriesCsv(
    @Param('slug') slug: string,
    @Query() q: SeriesQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    return send(res, await this.exports.seriesCsv(slug, q, this.exports.baseUrl(origin(req))));
  }

  @Get('posts.csv')
  @ApiOperation({
    summary: 'Every matching post with its scores, as a CSV stream',
    description:
      'Newest first; streamed a page at a time, so any number of posts costs the same memory. Deleted posts are left out. ' +
      'Text cells that a spreadsheet would run as a formula (starting with = + - @) get a leading apostrophe.' +
      PIN_NOTE,
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'CSV with a header line',
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  @ApiProblemResponses(400, 401, 403, 404, 429)
  async postsCsv(
    @Param('slug') slug: string,
    @Query() q: PostsCsvQuery,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const file = await this.exports.postsCsv(slug, q, this.exports.baseUrl(origin(req)));
    res.status(200);
    res.setHeader('Content-Type', file.contentType);
    for (const [name, value] of Object.entries(file.headers)) res.setHeader(name, value);
    res.setHeader('Cache-Control', 'private, no-store');
    try {
      await pipeline(file.body, res);
    } catch {
      // The client went away (or a page failed after the headers were sent): the stream is closed either way.
      res.destroy();
    }
  }

  @Get('chart.svg')
  @ApiOperation({
    summary: 'The chart as SVG',
    description:
      'Support share line with its 95% interval band, posts by stance as stacked bars, annotations as labelled rules, ' +
      'low-volume buckets shaded, and a credit line. Series parameters plus width, height, title, kind and theme.' +
      PIN_NOTE,
  })
  @ApiProduces('image/svg+xml')
  @ApiOkResponse({ content: { 'image/svg+xml': { schema: { type: 'string' } } } })
  @ApiProblemResponses(400, 401, 403, 404, 429)
  async chartSvg(
    @Param('slug') slug: string,
    @Query() q: ChartQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    return send(res, await this.exports.chartSvg(slug, q, this.exports.baseUrl(origin(req))));
  }

  @Get('chart.png')
  @ApiOperation({
    summary: 'The chart as PNG',
    description:
      'The SVG chart rasterised with a shipped font; `scale` (default 2) multiplies its pixels.' + PIN_NOTE,
  })
  @ApiProduces('image/png')
  @ApiOkResponse({ content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } })
  @ApiProblemResponses(400, 401, 403, 404, 429)
  async chartPng(
    @Param('slug') slug: string,
    @Query() q: PngChartQuery,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    // Sent by hand: Nest would serialise a Buffer it is handed as JSON.
    res.status(200).end(send(res, await this.exports.chartPng(slug, q, this.exports.baseUrl(origin(req)))));
  }

  @Get('chart.vl.json')
  @ApiOperation({
    summary: 'The Vega-Lite specification of the chart, data inline',
    description:
      'For those who restyle: open it in the Vega editor or render it with vega-lite. Field `t` (`t2`) is the bucket ' +
      'start (end) as wall-clock time in `tz` written as UTC, drawn on a UTC scale; `start`/`end` keep the offsets.' +
      PIN_NOTE,
  })
  @ApiOkResponse({ description: 'A Vega-Lite v6 specification', schema: { type: 'object' } })
  @ApiProblemResponses(400, 401, 403, 404, 429)
  async chartVegaLite(
    @Param('slug') slug: string,
    @Query() q: ChartQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    return send(res, await this.exports.chartVegaLite(slug, q, this.exports.baseUrl(origin(req))));
  }
}
