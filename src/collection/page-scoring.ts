import type {
  ClassificationResult,
  CompiledStance,
  PostClassifier,
} from '../classification/post-classifier.js';
import type { StanceConfig } from '../classification/stance-config.js';
import type { TopicQuery } from '../sources/topic-query.js';
import { CompiledQuery, type MatchablePost } from './topic-matcher.js';

/**
 * Posts scored between two hand-overs of their classification rows to the page's COPY: between two yields to
 * the event loop on the main thread, or two slices the classification thread sends back.
 */
export const SCORING_SLICE = 100;

/** An active topic as stored: its query and the lexicon versions new posts are scored under. */
export interface TopicDefinition {
  id: number;
  query: TopicQuery;
  versions: { version: number; stance: StanceConfig }[];
}

/** A topic compiled for scoring many posts. */
export interface TopicModel {
  id: number;
  query: CompiledQuery;
  versions: { version: number; stance: CompiledStance }[];
}

/** One classification a post earns: a topic it belongs to, under one lexicon version. */
export interface ScoredFor {
  topicId: number;
  version: number;
  result: ClassificationResult;
}

export function compileTopicModels(
  defs: readonly TopicDefinition[],
  classifier: PostClassifier,
): TopicModel[] {
  return defs.map((d) => ({
    id: d.id,
    query: new CompiledQuery(d.query),
    versions: d.versions.map((v) => ({ version: v.version, stance: classifier.compile(v.stance) })),
  }));
}

/**
 * Scores a live post for every topic (and lexicon version) it belongs to. The topic whose source or import
 * produced the post (`originTopicId`) takes it if the topic's exclusions admit it; other topics take it if it
 * carries one of their hashtags or keywords.
 */
export function scorePost(
  post: MatchablePost,
  topics: readonly TopicModel[],
  originTopicId: number | undefined,
  classifier: PostClassifier,
): ScoredFor[] {
  const results: ScoredFor[] = [];
  for (const t of topics) {
    const belongs = t.id === originTopicId ? t.query.admits(post) : t.query.matches(post);
    if (!belongs) continue;
    for (const v of t.versions) {
      results.push({ topicId: t.id, version: v.version, result: classifier.classify(post, v.stance) });
    }
  }
  return results;
}
