import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SourcesModule } from '../sources/sources.module.js';
import { PresetLoader } from './preset-loader.js';
import { StanceChangeNotifier } from './stance-change-notifier.js';
import { Topic } from './topic.entity.js';
import { TopicSource } from './topic-source.entity.js';
import { TopicsController } from './topics.controller.js';
import { TopicsService } from './topics.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Topic, TopicSource]), SourcesModule],
  controllers: [TopicsController],
  providers: [TopicsService, PresetLoader, StanceChangeNotifier],
  exports: [TopicsService, PresetLoader, StanceChangeNotifier],
})
export class TopicsModule {}
