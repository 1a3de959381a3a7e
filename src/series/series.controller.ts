import { Controller, Get, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponses } from '../http/api-problem-responses.js';
import { HttpCacheInterceptor } from './http-cache.interceptor.js';
import { PostPage, PostsQuery } from './posts.dto.js';
import { PostsService } from './posts.service.js';
import {
  CompareQuery,
  CompareResponse,
  SeriesQuery,
  SeriesResponse,
  VersionedFilterQuery,
} from './series.dto.js';
import { SeriesService } from './series.service.js';
import { SummaryResponse } from './summary.dto.js';
import { SummaryService } from './summary.service.js';

@ApiTags('series')
@Controller()
@UseInterceptors(HttpCacheInterceptor)
export class SeriesController {
  constructor(
    private readonly series: SeriesService,
    private readonly summaries: SummaryService,
    private readonly posts: PostsService,
  ) {}

  @Get('topics/:slug/series')
  @ApiOperation({
    summary: 'Support versus opposition over time',
    description:
      'Counts per bucket with the support share, its Wilson 95% interval, net support, mean sentiment, a low-volume ' +
      'flag and per-source coverage, plus the annotations in range. Answered from 15-minute rollups.',
  })
  @ApiOkResponse({ type: SeriesResponse })
  @ApiProblemResponses(400, 401, 403, 404, 429)
  get(@Param('slug') slug: string, @Query() q: SeriesQuery): Promise<SeriesResponse> {
    return this.series.seriesFor(slug, q);
  }

  @Get('topics/:slug/summary')
  @ApiOperation({
    summary: 'A period at a glance',
    description:
      'Totals and support share with its interval, change against the previous period of equal length (two-proportion ' +
      'z-test), top hashtags and stance cues on each side, volume spikes (modified z-score) and the busiest buckets. ' +
      'Default: the last 7 days.',
  })
  @ApiOkResponse({ type: SummaryResponse })
  @ApiProblemResponses(400, 401, 403, 404, 429)
  summary(@Param('slug') slug: string, @Query() q: VersionedFilterQuery): Promise<SummaryResponse> {
    return this.summaries.summary(slug, q);
  }

  @Get('compare')
  @ApiOperation({
    summary: 'Several topics on the same buckets',
    description:
      "Each topic's series at its current lexicon version; `tz` defaults to the first topic's zone.",
  })
  @ApiOkResponse({ type: CompareResponse })
  @ApiProblemResponses(400, 401, 403, 404, 429)
  compare(@Query() q: CompareQuery): Promise<CompareResponse> {
    const { topics, ...rest } = q;
    return this.series.compare(topics, rest);
  }

  @Get('topics/:slug/posts')
  @ApiOperation({
    summary: 'The posts behind a series',
    description:
      'Classified posts with stance, sentiment, confidence, explanation and URL. Deleted posts are never listed. Paged ' +
      'with an opaque cursor.',
  })
  @ApiOkResponse({ type: PostPage })
  @ApiProblemResponses(400, 401, 403, 404, 429)
  postsOf(@Param('slug') slug: string, @Query() q: PostsQuery): Promise<PostPage> {
    return this.posts.page(slug, q);
  }
}
