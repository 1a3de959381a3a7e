import type { StanceConfig } from './stance-config.js';

export type Stance = 'support' | 'oppose' | 'neutral';
export type SentimentLabel = 'positive' | 'negative' | 'neutral';

/** One reason behind a result: the token or phrase, its weight, and the rule that used it. */
export interface ExplanationItem {
  /** Whether the reason counts toward sentiment or toward stance. */
  kind?: 'sentiment' | 'stance';
  /** The word, phrase, hashtag or emoji as it appeared ("word → target" for target-directed reasons). */
  text: string;
  /** Sentiment: the word's valence after its modifiers. Stance: its contribution, > 0 for support. */
  weight: number;
  /**
   * Sentiment: `lexicon`, `emoji`, `emoticon`, `exclamation`, `why-question`. Stance: `cue`, `negated-cue`,
   * `target-directed`.
   */
  rule: string;
  /** What changed the weight: `negated`, `intensified`, `dampened`, `caps`, `elongated`, `contrast`,
   * `question`, `sarcasm`, `plight`, `nearby-clause`, `reported`; `check-in` and `info-request` mute a word
   * (weight 0). */
  modifiers?: string[];
  /** Which side this reason counts for, when it counts for one. */
  side?: 'support' | 'oppose';
  /** The target the sentiment was aimed at (target-directed rules). */
  target?: string;
}

export interface ClassificationResult {
  stance: Stance;
  /** Signed score: > 0 leans support, < 0 leans oppose. */
  stanceScore: number;
  /** In [0, 1]. */
  confidence: number;
  /** Compound sentiment in [-1, 1]. */
  sentiment: number;
  sentimentLabel: SentimentLabel;
  explanation: ExplanationItem[];
}

export interface ClassifierInput {
  text: string;
  /** Lower-case, without '#'; hashtags found in the text are used too. */
  hashtags?: readonly string[];
}

/** A stance configuration prepared for fast repeated use; opaque to callers. */
export interface CompiledStance {
  readonly config: StanceConfig;
}

/**
 * The classifier as collection, import and rescoring see it. `version` names the rules and lexicon data;
 * together with a topic's lexicon version it identifies how a stored classification was made.
 */
export interface PostClassifier {
  readonly version: string;
  compile(config: StanceConfig): CompiledStance;
  classify(input: ClassifierInput, stance?: CompiledStance): ClassificationResult;
}

/** Nest injection token for the PostClassifier implementation. */
export const POST_CLASSIFIER = Symbol('PostClassifier');
