import { studentTTwoSided } from './student-t';

/** Mean, sample variance and size of one sample: enough for Welch's test without the raw values. */
export interface SampleMoments {
  readonly n: number;
  readonly mean: number;
  /** Unbiased sample variance (divisor n − 1). */
  readonly variance: number;
}

export interface WelchResult {
  readonly t: number;
  readonly df: number;
  readonly pValue: number;
}

/**
 * Welch's unequal-variances t-test (Welch 1947), two-sided, from the two samples' moments:
 * `t = (m₁ − m₂) / √(v₁/n₁ + v₂/n₂)`, Welch–Satterthwaite `df`.
 *
 * The reporter runs it on **daily** means (7 against 7), not hourly ones: hourly means of a server metric follow the
 * daily cycle, so they are strongly autocorrelated and a test that treats 168 of them as independent calls almost
 * every change significant. A day is one full cycle, so daily means are close to independent.
 * Returns `undefined` when either sample has fewer than 2 values. Two constant samples give p = 0 when their means
 * differ and p = 1 when they do not.
 *
 * @example welchTTest(moments([1,2,3,4,5]), moments([2,4,6,8,10])) // { t: -1.897, df: 5.882, pValue: 0.1075 } (SciPy ttest_ind, equal_var=False)
 */
export function welchTTest(a: SampleMoments, b: SampleMoments): WelchResult | undefined {
  if (a.n < 2 || b.n < 2) return undefined;
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se2 = va + vb;
  const diff = a.mean - b.mean;
  if (!(se2 > 0)) {
    return diff === 0
      ? { t: 0, df: a.n + b.n - 2, pValue: 1 }
      : { t: diff > 0 ? Infinity : -Infinity, df: a.n + b.n - 2, pValue: 0 };
  }
  const t = diff / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  return { t, df, pValue: studentTTwoSided(t, df) };
}

/** Moments of a list of numbers (two-pass, numerically stable for short samples). */
export function moments(values: ArrayLike<number>): SampleMoments {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = n > 0 ? sum / n : Number.NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
  return { n, mean, variance: n > 1 ? ss / (n - 1) : 0 };
}
