import { HashtagSegmenter } from './hashtag-segmenter.js';
import { lexicon } from './lexicon.js';
import { tokenize } from './tokenizer.js';

export type CodedStance = 'support' | 'oppose' | 'neutral';

export interface TermScore {
  term: string;
  /** Log-odds ratio of the term in this side's posts against the other side's, with the prior. */
  delta: number;
  /** delta divided by its standard error: how sure the difference is. */
  z: number;
  /** Occurrences in the posts coded for each side. */
  counts: { support: number; oppose: number };
}

export interface Suggestions {
  support: TermScore[];
  oppose: TermScore[];
  /** Coded posts per class that the counts come from. */
  posts: Record<CodedStance, number>;
}

const STOPWORDS = new Set(
  `a an and are as at be been but by for from had has have he her his i if in into is it its me my no not of on or
   our so than that the their them then there these they this those to too us was we were what when which who why
   will with would you your im it's i'm don't rt amp via`.split(/\s+/),
);

const segmenter = new HashtagSegmenter(lexicon().dictionary);

/**
 * The words, two-word phrases, hashtags and mentions of a post, each once per post (a post that repeats a word
 * is one vote for it). Stop words alone are not terms; a phrase needs one word that is not a stop word.
 */
export function postTerms(text: string): Set<string> {
  const terms = new Set<string>();
  const tokens = tokenize(text, segmenter);
  let previous: string | undefined;
  for (const t of tokens) {
    if (t.fromHashtag) continue;
    if (t.kind === 'hashtag' || t.kind === 'mention') {
      terms.add(t.lower);
      previous = undefined;
      continue;
    }
    if (t.kind !== 'word' || /^\p{N}+$/u.test(t.lower)) {
      previous = undefined;
      continue;
    }
    const word = t.lower;
    if (!STOPWORDS.has(word) && word.length > 1) terms.add(word);
    if (previous !== undefined && !(STOPWORDS.has(previous) && STOPWORDS.has(word)))
      terms.add(`${previous} ${word}`);
    previous = word;
  }
  return terms;
}

/**
 * Log-odds ratios with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words"):
 * for term w, with y_w its count in one side's posts, n that side's total, and α_w its count over every coded
 * post (support, oppose and neutral: the background), α₀ = Σ α_w,
 *   δ_w = ln((y_sw + α_w) / (n_s + α₀ − y_sw − α_w)) − ln((y_ow + α_w) / (n_o + α₀ − y_ow − α_w)),
 *   σ²_w ≈ 1/(y_sw + α_w) + 1/(y_ow + α_w),  z_w = δ_w / σ_w.
 * The prior shrinks rare terms toward no difference, so a word seen once does not top the list.
 */
export function logOddsSuggestions(
  posts: readonly { text: string; stance: CodedStance }[],
  options: { limit?: number; minCount?: number; exclude?: ReadonlySet<string> } = {},
): Suggestions {
  const limit = options.limit ?? 20;
  const minCount = options.minCount ?? 2;
  const counts = { support: new Map<string, number>(), oppose: new Map<string, number>() };
  const background = new Map<string, number>();
  const postCounts: Record<CodedStance, number> = { support: 0, oppose: 0, neutral: 0 };
  for (const p of posts) {
    postCounts[p.stance]++;
    for (const term of postTerms(p.text)) {
      background.set(term, (background.get(term) ?? 0) + 1);
      if (p.stance !== 'neutral') counts[p.stance].set(term, (counts[p.stance].get(term) ?? 0) + 1);
    }
  }
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const nSupport = total(counts.support);
  const nOppose = total(counts.oppose);
  const alpha0 = total(background);
  const scores: TermScore[] = [];
  for (const [term, alpha] of background) {
    const ys = counts.support.get(term) ?? 0;
    const yo = counts.oppose.get(term) ?? 0;
    if (ys + yo < minCount || options.exclude?.has(term)) continue;
    const delta =
      Math.log((ys + alpha) / (nSupport + alpha0 - ys - alpha)) -
      Math.log((yo + alpha) / (nOppose + alpha0 - yo - alpha));
    const variance = 1 / (ys + alpha) + 1 / (yo + alpha);
    if (!Number.isFinite(delta) || !(variance > 0)) continue;
    scores.push({ term, delta, z: delta / Math.sqrt(variance), counts: { support: ys, oppose: yo } });
  }
  const support = scores
    .filter((s) => s.z > 0)
    .sort((a, b) => b.z - a.z || a.term.localeCompare(b.term))
    .slice(0, limit);
  const oppose = scores
    .filter((s) => s.z < 0)
    .sort((a, b) => a.z - b.z || a.term.localeCompare(b.term))
    .slice(0, limit);
  return { support, oppose, posts: postCounts };
}
