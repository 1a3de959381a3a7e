import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ClassificationModule } from '../classification/classification.module.js';
import { CorsMiddleware } from '../series/cors.middleware.js';
import { PostsRepository } from '../series/posts.repository.js';
import { SeriesModule } from '../series/series.module.js';
import { ThrottleMiddleware } from '../series/throttling.js';
import { TopicsModule } from '../topics/topics.module.js';
import { ChartRenderer } from './chart-renderer.js';
import { ExportsController } from './exports.controller.js';
import { ExportsRepository } from './exports.repository.js';
import { ExportsService } from './exports.service.js';

/** CSV and chart files made from the series, with the same CORS and throttling as the series routes. */
@Module({
  imports: [AuthModule, SeriesModule, TopicsModule, ClassificationModule],
  controllers: [ExportsController],
  providers: [ExportsService, ExportsRepository, ChartRenderer, PostsRepository],
  exports: [ExportsService, ExportsRepository, ChartRenderer],
})
export class ExportsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CorsMiddleware, ThrottleMiddleware).forRoutes(
      ...['series.csv', 'posts.csv', 'chart.svg', 'chart.png', 'chart.vl.json'].map((file) => ({
        path: `topics/:slug/${file}`,
        method: RequestMethod.ALL,
      })),
    );
  }
}
