const CAMEL_PART = /\p{Lu}?\p{Ll}+|\p{Lu}+(?!\p{Ll})|\p{N}+/gu;
const MAX_SEGMENTED = 40;
const MAX_WORD = 20;
const CACHE_LIMIT = 20_000;

/**
 * Splits hashtags into words: by capitals when the author used them (#ImInWorkJeremy → im in work jeremy),
 * otherwise into the fewest known words (#notfairnotsafe → not fair not safe). A tag that cannot be split
 * into known words stays whole.
 */
export class HashtagSegmenter {
  private readonly cache = new Map<string, readonly string[]>();

  constructor(
    private readonly dictionary: ReadonlySet<string>,
    private readonly extra: ReadonlySet<string> = new Set(),
  ) {}

  split(tag: string): readonly string[] {
    const cached = this.cache.get(tag);
    if (cached) return cached;
    const words = this.splitUncached(tag);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(tag, words);
    return words;
  }

  private splitUncached(tag: string): readonly string[] {
    const parts = tag.split('_').filter(Boolean);
    const out: string[] = [];
    for (const part of parts) {
      const lower = part.toLowerCase();
      const mixed = part !== lower && part !== part.toUpperCase();
      if (mixed) {
        for (const piece of part.match(CAMEL_PART) ?? [part]) {
          const p = piece.toLowerCase();
          if (this.known(p)) out.push(p);
          else out.push(...this.segment(p));
        }
      } else {
        out.push(...this.segment(lower));
      }
    }
    return out;
  }

  private known(word: string): boolean {
    return this.dictionary.has(word) || this.extra.has(word);
  }

  /** Fewest known words covering the whole string (dynamic programming); the string itself if none. */
  private segment(s: string): string[] {
    const n = s.length;
    if (n === 0) return [];
    if (n > MAX_SEGMENTED || this.known(s)) return [s];
    const cost = new Array<number>(n + 1).fill(Infinity);
    const from = new Array<number>(n + 1).fill(-1);
    cost[0] = 0;
    for (let end = 1; end <= n; end++) {
      for (let start = Math.max(0, end - MAX_WORD); start < end; start++) {
        if (cost[start] === Infinity) continue;
        const word = s.slice(start, end);
        const isNumber = /^\p{N}+$/u.test(word);
        if (!isNumber && !this.known(word)) continue;
        // One-letter words other than "a" and "i" are almost always a wrong cut.
        const c = cost[start] + 1 + (word.length === 1 && word !== 'a' && word !== 'i' ? 3 : 0);
        if (c < cost[end]) {
          cost[end] = c;
          from[end] = start;
        }
      }
    }
    if (cost[n] === Infinity) return [s];
    const words: string[] = [];
    for (let end = n; end > 0; end = from[end]) words.push(s.slice(from[end], end));
    return words.reverse();
  }
}
