import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from './auth/auth.module.js';
import { ClassificationApiModule } from './classification/classification-api.module.js';
import { ClassificationModule } from './classification/classification.module.js';
import { CollectionModule } from './collection/collection.module.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { ExportsModule } from './exports/exports.module.js';
import { HealthModule } from './health/health.module.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { LoggingModule } from './logging.module.js';
import { ImportsModule } from './sources/archives/imports.module.js';
import { SeriesModule } from './series/series.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { SourcesModule } from './sources/sources.module.js';
import { TopicsModule } from './topics/topics.module.js';
import { WebModule } from './web/web.module.js';

/**
 * Modules in the order data flows: sources → collection → classification → series → exports and web.
 * Infrastructure (config, logging, database, auth, health) comes first.
 */
@Module({
  imports: [
    ConfigModule,
    LoggingModule,
    DatabaseModule,
    AuthModule,
    HealthModule,
    MetricsModule,
    TopicsModule,
    SourcesModule,
    CollectionModule,
    ImportsModule,
    ClassificationModule,
    SeriesModule,
    ExportsModule,
    WebModule,
    ClassificationApiModule,
  ],
  providers: [ProblemDetailsFilter, { provide: APP_FILTER, useExisting: ProblemDetailsFilter }],
})
export class AppModule {}
