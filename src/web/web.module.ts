import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ExportsModule } from '../exports/exports.module.js';
import { SeriesModule } from '../series/series.module.js';
import { TopicsModule } from '../topics/topics.module.js';
import { StaticAssets } from './static-assets.js';
import { WebController } from './web.controller.js';
import { WidgetService } from './widget.service.js';

/** The dashboard at / and the embeddable widget at /embed/:slug and /embed.js. */
@Module({
  imports: [AuthModule, SeriesModule, ExportsModule, TopicsModule],
  controllers: [WebController],
  providers: [WidgetService, StaticAssets],
})
export class WebModule {}
