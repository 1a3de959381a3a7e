export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  /** How many items the reference puts in this class. */
  support: number;
}

export interface Agreement<L extends string> {
  n: number;
  accuracy: number;
  macroF1: number;
  /** Cohen's kappa: agreement beyond what the two label distributions give by chance. */
  kappa: number;
  perClass: Record<L, ClassScores>;
  /** confusion[reference][predicted] = count. */
  confusion: Record<L, Record<L, number>>;
}

/**
 * Agreement of predictions with reference labels (hand codes or gold). A class that is never predicted
 * has precision 0 when it should have been, and an empty class scores 0 rather than NaN.
 */
export function agreement<L extends string>(
  labels: readonly L[],
  pairs: Iterable<{ reference: L; predicted: L }>,
): Agreement<L> {
  const confusion = {} as Record<L, Record<L, number>>;
  for (const r of labels) {
    confusion[r] = {} as Record<L, number>;
    for (const p of labels) confusion[r][p] = 0;
  }
  let n = 0;
  for (const { reference, predicted } of pairs) {
    if (!(reference in confusion) || !(predicted in confusion)) continue;
    confusion[reference][predicted]++;
    n++;
  }
  const perClass = {} as Record<L, ClassScores>;
  let correct = 0;
  let f1Sum = 0;
  let chance = 0;
  for (const c of labels) {
    const tp = confusion[c][c];
    let predicted = 0;
    let actual = 0;
    for (const o of labels) {
      predicted += confusion[o][c];
      actual += confusion[c][o];
    }
    correct += tp;
    const precision = predicted ? tp / predicted : 0;
    const recall = actual ? tp / actual : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[c] = { precision, recall, f1, support: actual };
    f1Sum += f1;
    if (n) chance += (predicted / n) * (actual / n);
  }
  const accuracy = n ? correct / n : 0;
  const kappa = n === 0 ? 0 : chance === 1 ? (accuracy === 1 ? 1 : 0) : (accuracy - chance) / (1 - chance);
  return { n, accuracy, macroF1: labels.length ? f1Sum / labels.length : 0, kappa, perClass, confusion };
}

/** Pearson correlation; 0 when either side has no variance. */
export function pearson(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i];
    my += ys[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx;
    const dy = ys[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx && syy ? sxy / Math.sqrt(sxx * syy) : 0;
}
