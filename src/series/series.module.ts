import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { SourcesModule } from '../sources/sources.module.js';
import { AnnotationsController } from './annotations.controller.js';
import { AnnotationsService } from './annotations.service.js';
import { CorsMiddleware } from './cors.middleware.js';
import { HttpCacheInterceptor } from './http-cache.interceptor.js';
import { PostsRepository } from './posts.repository.js';
import { PostsService } from './posts.service.js';
import { SeriesParamsParser } from './series-params.js';
import { SeriesController } from './series.controller.js';
import { SeriesRepository } from './series.repository.js';
import { SeriesService } from './series.service.js';
import { SummaryRepository } from './summary.repository.js';
import { SummaryService } from './summary.service.js';
import { ThrottleMiddleware } from './throttling.js';

/**
 * The read side: series, summary, compare, posts and annotations, with ETags, CORS and per-client throttling
 * (CORS answers preflights first, so they are never throttled).
 */
@Module({
  imports: [AuthModule, SourcesModule],
  controllers: [SeriesController, AnnotationsController],
  providers: [
    SeriesRepository,
    SeriesParamsParser,
    SeriesService,
    SummaryRepository,
    SummaryService,
    PostsRepository,
    PostsService,
    AnnotationsService,
    HttpCacheInterceptor,
    CorsMiddleware,
    ThrottleMiddleware,
  ],
  exports: [
    SeriesService,
    SeriesParamsParser,
    SummaryService,
    PostsService,
    CorsMiddleware,
    ThrottleMiddleware,
    HttpCacheInterceptor,
  ],
})
export class SeriesModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(CorsMiddleware, ThrottleMiddleware)
      .forRoutes(
        { path: 'topics/:slug/series', method: RequestMethod.ALL },
        { path: 'topics/:slug/summary', method: RequestMethod.ALL },
        { path: 'topics/:slug/posts', method: RequestMethod.ALL },
        { path: 'topics/:slug/annotations', method: RequestMethod.ALL },
        { path: 'topics/:slug/annotations/:id', method: RequestMethod.ALL },
        { path: 'compare', method: RequestMethod.ALL },
      );
  }
}
