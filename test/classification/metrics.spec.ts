import { agreement, pearson } from '../../src/classification/agreement-metrics.js';
import { logOddsSuggestions, postTerms } from '../../src/classification/lexicon-suggestions.js';

type S = 'support' | 'oppose' | 'neutral';
const LABELS: S[] = ['support', 'oppose', 'neutral'];
const repeat = (reference: S, predicted: S, n: number) =>
  Array.from({ length: n }, () => ({ reference, predicted }));

describe('agreement maths (hand-computed)', () => {
  // Hand codes → classifier labels: 3 s→s, 1 s→o, 2 o→o, 1 o→n, 2 n→n, 1 n→s (n = 10).
  const pairs = [
    ...repeat('support', 'support', 3),
    ...repeat('support', 'oppose', 1),
    ...repeat('oppose', 'oppose', 2),
    ...repeat('oppose', 'neutral', 1),
    ...repeat('neutral', 'neutral', 2),
    ...repeat('neutral', 'support', 1),
  ];
  const a = agreement(LABELS, pairs);

  it('confusion matrix and accuracy', () => {
    expect(a.n).toBe(10);
    expect(a.confusion).toEqual({
      support: { support: 3, oppose: 1, neutral: 0 },
      oppose: { support: 0, oppose: 2, neutral: 1 },
      neutral: { support: 1, oppose: 0, neutral: 2 },
    });
    expect(a.accuracy).toBeCloseTo(0.7, 10);
  });

  it('per-class precision, recall, F1 and macro-F1', () => {
    // support: 3 of 4 predicted, 3 of 4 coded. oppose: 2 of 3 and 2 of 3. neutral: 2 of 3 and 2 of 3.
    expect(a.perClass.support).toEqual({ precision: 0.75, recall: 0.75, f1: 0.75, support: 4 });
    expect(a.perClass.oppose.precision).toBeCloseTo(2 / 3, 10);
    expect(a.perClass.oppose.recall).toBeCloseTo(2 / 3, 10);
    expect(a.perClass.neutral.f1).toBeCloseTo(2 / 3, 10);
    expect(a.macroF1).toBeCloseTo((0.75 + 2 / 3 + 2 / 3) / 3, 10); // 0.694444…
  });

  it("Cohen's kappa", () => {
    // Chance agreement: (4·4 + 3·3 + 3·3) / 100 = 0.34; kappa = (0.7 − 0.34) / (1 − 0.34) = 0.545454…
    expect(a.kappa).toBeCloseTo(0.36 / 0.66, 10);
  });

  it('degenerate inputs give 0 or 1, never NaN', () => {
    const empty = agreement(LABELS, []);
    expect(empty).toMatchObject({ n: 0, accuracy: 0, macroF1: 0, kappa: 0 });
    const perfect = agreement(LABELS, repeat('support', 'support', 5));
    expect(perfect.accuracy).toBe(1);
    expect(perfect.kappa).toBe(1);
    expect(perfect.perClass.oppose).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    const never = agreement(LABELS, [...repeat('support', 'oppose', 2), ...repeat('oppose', 'oppose', 2)]);
    expect(never.perClass.support).toEqual({ precision: 0, recall: 0, f1: 0, support: 2 });
    for (const v of [never.accuracy, never.macroF1, never.kappa]) expect(Number.isNaN(v)).toBe(false);
  });

  it('Pearson r', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 10);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 10);
    // x = 1,2,3,4; y = 1,3,2,4: r = 0.8
    expect(pearson([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 10);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBe(0);
  });
});

describe('lexicon suggestions: log-odds with an informative Dirichlet prior (hand-computed)', () => {
  // Terms per post: S1 {alpha, beta}, S2 {alpha}, O1 {gamma}, O2 {beta, gamma}, N1 {delta}.
  const posts = [
    { text: 'alpha. beta', stance: 'support' as const },
    { text: 'alpha', stance: 'support' as const },
    { text: 'gamma', stance: 'oppose' as const },
    { text: 'beta. gamma', stance: 'oppose' as const },
    { text: 'delta', stance: 'neutral' as const },
  ];

  it('counts terms once per post: words, phrases, hashtags and mentions, without stop words', () => {
    expect([...postTerms('the doctors are right. #NotFairNotSafe @BMA the the')].sort()).toEqual(
      ['#notfairnotsafe', '@bma', 'are right', 'doctors', 'doctors are', 'right', 'the doctors'].sort(),
    );
  });

  it('scores each term against the other side', () => {
    const s = logOddsSuggestions(posts, { minCount: 1 });
    // Background α: alpha 2, beta 2, gamma 2, delta 1 (α₀ = 7); support n = 3 (alpha 2, beta 1), oppose n = 3.
    // alpha: δ = ln(4/6) − ln(2/8) = 0.980829; σ² = 1/4 + 1/2; z = 0.980829 / √0.75 = 1.132564.
    expect(s.posts).toEqual({ support: 2, oppose: 2, neutral: 1 });
    expect(s.support).toHaveLength(1);
    expect(s.support[0].term).toBe('alpha');
    expect(s.support[0].delta).toBeCloseTo(Math.log(4 / 6) - Math.log(2 / 8), 10);
    expect(s.support[0].delta).toBeCloseTo(0.980829, 6);
    expect(s.support[0].z).toBeCloseTo(1.132564, 6);
    expect(s.support[0].counts).toEqual({ support: 2, oppose: 0 });
    // gamma mirrors alpha; beta (1 and 1) leans neither way; delta occurs in no coded side.
    expect(s.oppose.map((t) => t.term)).toEqual(['gamma']);
    expect(s.oppose[0].z).toBeCloseTo(-1.132564, 6);
  });

  it('needs minCount occurrences and honours the limit', () => {
    const many = [
      ...Array.from({ length: 5 }, () => ({ text: 'solidarity. picket', stance: 'support' as const })),
      { text: 'rare', stance: 'support' as const },
      ...Array.from({ length: 5 }, () => ({ text: 'greedy', stance: 'oppose' as const })),
    ];
    const s = logOddsSuggestions(many, { limit: 1 });
    expect(s.support).toHaveLength(1);
    expect(['solidarity', 'picket']).toContain(s.support[0].term);
    expect(logOddsSuggestions(many).support.map((t) => t.term)).not.toContain('rare');
    expect(s.oppose[0]).toMatchObject({ term: 'greedy', counts: { support: 0, oppose: 5 } });
  });

  it('no coded posts: empty lists', () => {
    expect(logOddsSuggestions([])).toEqual({
      support: [],
      oppose: [],
      posts: { support: 0, oppose: 0, neutral: 0 },
    });
  });
});
