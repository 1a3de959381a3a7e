import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TopicsService } from '../topics/topics.service.js';
import type { ClassifyRequest, ClassifyResponse } from './classification.dto.js';
import { type CompiledStance, POST_CLASSIFIER, type PostClassifier } from './post-classifier.js';
import type { StanceConfig } from './stance-config.js';

const CACHE_LIMIT = 200;

/** Classifies one text on demand, under a topic's active stance version when a topic is named. */
@Injectable()
export class ClassifyService {
  private readonly compiled = new Map<string, CompiledStance>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(POST_CLASSIFIER) private readonly classifier: PostClassifier,
    private readonly topics: TopicsService,
  ) {}

  async classify(body: ClassifyRequest): Promise<ClassifyResponse> {
    let model: CompiledStance | undefined;
    let lexiconVersion: number | undefined;
    if (body.topic !== undefined) {
      const topic = await this.topics.find(body.topic);
      lexiconVersion = topic.stanceVersion;
      model = await this.model(topic.id, lexiconVersion);
    }
    const r = this.classifier.classify({ text: body.text }, model);
    return {
      sentiment: { score: r.sentiment, label: r.sentimentLabel },
      ...(model ? { stance: { label: r.stance, confidence: r.confidence, score: r.stanceScore } } : {}),
      explanation: r.explanation,
      version: {
        classifier: this.classifier.version,
        ...(lexiconVersion ? { lexicon: lexiconVersion } : {}),
      },
    };
  }

  /** The compiled stance of a topic version (versions never change, so they are cached by number). */
  private async model(topicId: number, version: number): Promise<CompiledStance> {
    const key = `${topicId}:${version}`;
    const cached = this.compiled.get(key);
    if (cached) return cached;
    const rows: { stance: StanceConfig }[] = await this.db.query(
      `SELECT stance FROM topic_stance_version WHERE topic_id = $1 AND version = $2`,
      [topicId, version],
    );
    const stance = rows[0]?.stance ?? {
      support: { label: '', targets: [], cues: [] },
      oppose: { label: '', targets: [], cues: [] },
    };
    const model = this.classifier.compile(stance);
    if (this.compiled.size >= CACHE_LIMIT) this.compiled.clear();
    this.compiled.set(key, model);
    return model;
  }
}
