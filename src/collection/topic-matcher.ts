import type { TopicQuery } from '../sources/topic-query.js';

export interface MatchablePost {
  text: string;
  hashtags: readonly string[];
  lang: string | null;
}

const WORD = '[\\p{L}\\p{N}_]';

function termsRegex(terms: readonly string[]): RegExp | undefined {
  const words = terms
    .filter((t) => !t.startsWith('#'))
    .map((t) => t.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (words.length === 0) return undefined;
  // Whole words only: "strike" must not match "strikes" through "striker" but phrases may span spaces.
  return new RegExp(`(?<!${WORD})(?:${words.join('|')})(?!${WORD})`, 'iu');
}

/** A topic's query compiled once, then applied to every post of a batch. */
export class CompiledQuery {
  private readonly hashtags: Set<string>;
  private readonly keywords?: RegExp;
  private readonly excludeTags: Set<string>;
  private readonly excludeWords?: RegExp;
  private readonly languages: Set<string>;

  constructor(query: TopicQuery) {
    this.hashtags = new Set(query.hashtags.map((h) => h.toLowerCase()));
    this.keywords = termsRegex(query.keywords);
    this.excludeTags = new Set(
      query.exclude.filter((e) => e.startsWith('#')).map((e) => e.slice(1).toLowerCase()),
    );
    this.excludeWords = termsRegex(query.exclude);
    this.languages = new Set(query.languages);
  }

  /** Whether the post passes the topic's exclusions and language filter (unknown language passes). */
  admits(post: MatchablePost): boolean {
    if (post.lang && this.languages.size > 0 && !this.languages.has(post.lang.slice(0, 2).toLowerCase()))
      return false;
    if (post.hashtags.some((h) => this.excludeTags.has(h))) return false;
    return !this.excludeWords?.test(post.text);
  }

  /** Whether the post carries one of the topic's hashtags or keywords and is admitted. */
  matches(post: MatchablePost): boolean {
    const hit = post.hashtags.some((h) => this.hashtags.has(h)) || (this.keywords?.test(post.text) ?? false);
    return hit && this.admits(post);
  }
}
