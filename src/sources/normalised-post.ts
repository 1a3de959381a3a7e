import { contentHash } from './text/plain-text.js';

/** A post as every adapter and importer hands it on, whatever platform or file it came from. */
export interface NormalisedPost {
  /** Source name: the adapter (`mastodon`, `bluesky`, `x`, `reddit`, `rss`, …) or the archive's name. */
  source: string;
  /** Unique within `source`; stable across fetches (Mastodon uses the status URI so instances agree). */
  externalId: string;
  url: string | null;
  authorId: string | null;
  authorHandle: string | null;
  /** Plain text: HTML stripped, entities decoded, whitespace tidied. */
  text: string;
  lang: string | null;
  createdAt: Date;
  editedAt: Date | null;
  /** Set when the platform says the post is gone (e.g. Reddit's `[deleted]`). */
  deletedAt: Date | null;
  isRepost: boolean;
  /** External id of the original when this is a repost. */
  repostOf: string | null;
  isReply: boolean;
  replyTo: string | null;
  isQuote: boolean;
  quoteOf: string | null;
  /** Lower-case, without `#`. */
  hashtags: string[];
  engagement: Engagement;
  /** sha256 of the normalised text; lets ingestion tell an edit from a re-fetch. */
  contentHash: string;
}

export interface Engagement {
  likes?: number;
  reposts?: number;
  replies?: number;
  quotes?: number;
  score?: number;
}

export type PostFields = Omit<
  NormalisedPost,
  | 'contentHash'
  | 'editedAt'
  | 'deletedAt'
  | 'isRepost'
  | 'repostOf'
  | 'isReply'
  | 'replyTo'
  | 'isQuote'
  | 'quoteOf'
> &
  Partial<
    Pick<
      NormalisedPost,
      'editedAt' | 'deletedAt' | 'isRepost' | 'repostOf' | 'isReply' | 'replyTo' | 'isQuote' | 'quoteOf'
    >
  >;

/** A post with the markers defaulted to "plain original post" and its content hash computed. */
export function normalisedPost(fields: PostFields): NormalisedPost {
  return {
    editedAt: null,
    deletedAt: null,
    isRepost: false,
    repostOf: null,
    isReply: false,
    replyTo: null,
    isQuote: false,
    quoteOf: null,
    ...fields,
    contentHash: contentHash(fields.text),
  };
}
