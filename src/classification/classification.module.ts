import { Module } from '@nestjs/common';
import { GroundswellClassifier } from './groundswell-classifier.js';
import { POST_CLASSIFIER } from './post-classifier.js';

@Module({
  providers: [{ provide: POST_CLASSIFIER, useFactory: () => new GroundswellClassifier() }],
  exports: [POST_CLASSIFIER],
})
export class ClassificationModule {}
