import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClassificationModule } from '../classification/classification.module.js';
import { SourcesModule } from '../sources/sources.module.js';
import { TopicsModule } from '../topics/topics.module.js';
import { CollectionController } from './collection.controller.js';
import { CollectionRun } from './collection-run.entity.js';
import { CollectionScheduler } from './collection-scheduler.service.js';
import { CollectionService } from './collection.service.js';
import { CollectionWorker } from './collection-worker.service.js';
import { IngestionService } from './ingestion.service.js';
import { RunQueue } from './run-queue.service.js';
import { RunsController } from './runs.controller.js';
import { RunsService } from './runs.service.js';
import { SourceRunner } from './source-runner.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([CollectionRun]),
    ScheduleModule.forRoot(),
    ClassificationModule,
    TopicsModule,
    SourcesModule,
  ],
  controllers: [RunsController, CollectionController],
  providers: [
    RunsService,
    IngestionService,
    RunQueue,
    SourceRunner,
    CollectionWorker,
    CollectionScheduler,
    CollectionService,
  ],
  exports: [RunsService, IngestionService, CollectionService, CollectionWorker, RunQueue],
})
export class CollectionModule {}
