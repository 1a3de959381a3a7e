import { copyText } from '../database/copy-rows.js';
import type { RollupDelta } from '../series/rollup.repository.js';
import type { ClassificationResult } from './post-classifier.js';

/** One `classification` row to write: a post's score for one topic and lexicon version. */
export interface ClassificationRow {
  topicId: number;
  lexiconVersion: number;
  postId: number | string;
  result: ClassificationResult;
  postCreatedAt: Date;
  source: string;
  lang: string | null;
  isRepost: boolean;
}

/** The columns every writer of classification rows fills, in COPY order. */
export const CLASSIFICATION_COLUMNS = [
  'topic_id',
  'lexicon_version',
  'post_id',
  'classifier_version',
  'stance',
  'stance_score',
  'confidence',
  'sentiment',
  'sentiment_label',
  'explanation',
  'post_created_at',
  'source',
  'lang',
  'is_repost',
] as const;

/**
 * A row as one line of COPY text in `CLASSIFICATION_COLUMNS` order, written directly: the generic field
 * encoder's per-row arrays cost ingestion about 3 ms per 1,000 rows. `classifierVersion` is already escaped
 * with `copyText`.
 */
export function classificationCopyLine(r: ClassificationRow, classifierVersion: string): string {
  const c = r.result;
  return (
    `${r.topicId}\t${r.lexiconVersion}\t${r.postId}\t${classifierVersion}\t${c.stance}\t${c.stanceScore}\t` +
    `${c.confidence}\t${c.sentiment}\t${c.sentimentLabel}\t${copyText(JSON.stringify(c.explanation))}\t` +
    `${r.postCreatedAt.toISOString()}\t${copyText(r.source)}\t${r.lang === null ? '\\N' : copyText(r.lang)}\t` +
    `${r.isRepost ? 't' : 'f'}\n`
  );
}

/**
 * `INSERT INTO classification (…) SELECT …` from a `classificationsJson` document in parameter `$1`, with the
 * classifier version in `$2`.
 */
export const SELECT_CLASSIFICATIONS_FROM_JSON = `
  SELECT k.topic_id, k.lexicon_version, k.post_id, $2, k.stance, k.stance_score, k.confidence, k.sentiment,
         k.sentiment_label, k.explanation, k.post_created_at, k.source, k.lang, k.is_repost
    FROM json_to_recordset($1::json)
      AS k(topic_id bigint, lexicon_version int, post_id bigint, stance text, stance_score real, confidence real,
           sentiment real, sentiment_label text, explanation jsonb, post_created_at timestamptz, source text,
           lang text, is_repost bool)`;

/**
 * Classification rows as one JSON document for `SELECT_CLASSIFICATIONS_FROM_JSON`. Explanations are nested
 * JSON: serialising the whole batch once is several times cheaper than the driver escaping each explanation
 * into a `jsonb[]` array literal, which costs more than the insert itself.
 */
export function classificationsJson(rows: readonly ClassificationRow[]): string {
  return JSON.stringify(
    rows.map((r) => ({
      topic_id: r.topicId,
      lexicon_version: r.lexiconVersion,
      post_id: r.postId,
      stance: r.result.stance,
      stance_score: r.result.stanceScore,
      confidence: r.result.confidence,
      sentiment: r.result.sentiment,
      sentiment_label: r.result.sentimentLabel,
      explanation: r.result.explanation,
      post_created_at: r.postCreatedAt.toISOString(),
      source: r.source,
      lang: r.lang,
      is_repost: r.isRepost,
    })),
  );
}

/** What the rollups need of a classification row. */
export type RollupFields = Pick<
  ClassificationRow,
  'topicId' | 'lexiconVersion' | 'postCreatedAt' | 'source' | 'lang' | 'isRepost'
> & { result: Pick<ClassificationResult, 'stance' | 'sentiment'> };

/** The row entering (+1) or leaving (−1) the rollups. */
export function rollupDeltaOf(r: RollupFields, sign: 1 | -1): RollupDelta {
  return {
    topicId: r.topicId,
    lexiconVersion: r.lexiconVersion,
    postCreatedAt: r.postCreatedAt,
    source: r.source,
    lang: r.lang,
    isRepost: r.isRepost,
    stance: r.result.stance,
    // Stored as real: round the same way so that rollup sums equal sums over the rows.
    sentiment: Math.fround(r.result.sentiment),
    sign,
  };
}
