import { createHash } from 'node:crypto';
import type { NormalisedPost } from '../../src/sources/normalised-post.js';

/** A normalised post with sensible defaults; tests override what they are about. */
export function makePost(overrides: Partial<NormalisedPost> & { externalId: string }): NormalisedPost {
  const text = overrides.text ?? `Post ${overrides.externalId} #juniorcontract`;
  return {
    source: 'test',
    url: `https://example.org/${overrides.externalId}`,
    authorId: 'a1',
    authorHandle: 'someone',
    lang: 'en',
    createdAt: new Date('2016-04-26T09:00:00Z'),
    editedAt: null,
    deletedAt: null,
    isRepost: false,
    repostOf: null,
    isReply: false,
    replyTo: null,
    isQuote: false,
    quoteOf: null,
    hashtags: [...text.matchAll(/#([\p{L}\p{N}_]+)/gu)].map((m) => m[1].toLowerCase()),
    engagement: {},
    ...overrides,
    text,
    contentHash: createHash('sha256').update(text).digest('hex'),
  };
}
