import { Module } from '@nestjs/common';
import { CollectionModule } from '../collection/collection.module.js';
import { TopicsModule } from '../topics/topics.module.js';
import { ClassificationController } from './classification.controller.js';
import { ClassificationModule } from './classification.module.js';
import { ClassifyService } from './classify.service.js';
import { HandCodingService } from './hand-coding.service.js';
import { RescoreService } from './rescore.service.js';

/** The classifier's routes and background work: classify, hand coding and agreement, versions and rescoring. */
@Module({
  imports: [ClassificationModule, CollectionModule, TopicsModule],
  controllers: [ClassificationController],
  providers: [ClassifyService, HandCodingService, RescoreService],
  exports: [RescoreService, ClassifyService],
})
export class ClassificationApiModule {}
