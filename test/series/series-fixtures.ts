import { IngestionService } from '../../src/collection/ingestion.service.js';
import type { Stance } from '../../src/classification/post-classifier.js';
import { rebuildRollups } from '../../src/series/rollup.repository.js';
import { makePost } from '../support/post-fixtures.js';
import type { TestApp } from '../support/test-app.js';
import { topicBody } from '../support/topic-fixtures.js';

export interface SeededPost {
  id: string;
  at: string | Date;
  stance: Stance;
  source?: string;
  lang?: string | null;
  isRepost?: boolean;
  sentiment?: number;
  confidence?: number;
  text?: string;
  engagement?: Record<string, number>;
  explanation?: unknown[];
}

/** Creates a topic through the API (collecting #juniorcontract, any language) and returns its id. */
export async function createTopic(
  t: TestApp,
  slug: string,
  overrides: Record<string, unknown> = {},
): Promise<number> {
  const res = await t.http
    .post('/api/v1/topics')
    .set(t.admin)
    .send(
      topicBody({
        slug,
        query: { hashtags: ['juniorcontract'], keywords: [], exclude: [], languages: [] },
        ...overrides,
      }),
    );
  if (res.status !== 201) throw new Error(`topic ${slug}: ${res.status} ${JSON.stringify(res.body)}`);
  t.app.get(IngestionService).invalidateTopics();
  return res.body.id as number;
}

/**
 * Stores posts through ingestion (so they are real posts of the topic), then pins each classification's
 * stance, sentiment and explanation by SQL and rebuilds the rollups, so tests know every count exactly.
 */
export async function seedPosts(
  t: TestApp,
  topicId: number,
  posts: SeededPost[],
  version = 1,
): Promise<void> {
  const ingestion = t.app.get(IngestionService);
  const CHUNK = 500;
  for (let i = 0; i < posts.length; i += CHUNK) {
    const chunk = posts.slice(i, i + CHUNK);
    await ingestion.ingest({
      originTopicId: topicId,
      posts: chunk.map((p) =>
        makePost({
          externalId: p.id,
          source: p.source ?? 'mastodon',
          createdAt: new Date(p.at),
          lang: p.lang === undefined ? 'en' : p.lang,
          isRepost: p.isRepost ?? false,
          text: p.text ?? `Post ${p.id} #juniorcontract`,
          engagement: p.engagement ?? {},
        }),
      ),
    });
    await t.db.query(
      `UPDATE classification c
          SET stance = k.stance, sentiment = k.sentiment, confidence = k.confidence, explanation = k.explanation
         FROM unnest($2::text[], $3::text[], $4::text[], $5::real[], $6::real[], $7::jsonb[])
              AS k(source, external_id, stance, sentiment, confidence, explanation),
              post p
        WHERE p.source = k.source AND p.external_id = k.external_id AND c.post_id = p.id
          AND c.topic_id = $1`,
      [
        topicId,
        chunk.map((p) => p.source ?? 'mastodon'),
        chunk.map((p) => p.id),
        chunk.map((p) => p.stance),
        chunk.map((p) => p.sentiment ?? 0),
        chunk.map((p) => p.confidence ?? 0.5),
        chunk.map((p) => JSON.stringify(p.explanation ?? [])),
      ],
    );
  }
  await t.db.transaction((m) => rebuildRollups(m, topicId, version));
}

/** Deletes posts the way a platform reports it (through ingestion): rollups follow by delta. */
export async function deletePosts(t: TestApp, topicId: number, posts: SeededPost[]): Promise<void> {
  await t.app.get(IngestionService).ingest({
    originTopicId: topicId,
    posts: posts.map((p) =>
      makePost({
        externalId: p.id,
        source: p.source ?? 'mastodon',
        createdAt: new Date(p.at),
        text: '[deleted]',
        deletedAt: new Date('2017-01-01T00:00:00Z'),
      }),
    ),
  });
}

/** n posts of one stance at one instant. */
export function many(prefix: string, n: number, at: string, stance: Stance, extra: Partial<SeededPost> = {}) {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, at, stance, ...extra }));
}
