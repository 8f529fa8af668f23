/**
 * Corpus-wide threshold optimisation for NAB scoring (SCORING.md §4.7): one threshold θ for every file, chosen to
 * maximise the corpus raw score. Pure.
 */
import type { NabProfile } from './nab-profiles';
import type { RowUnits } from './nab-scorer';

/** Every scorable row of the corpus, pooled and sorted by anomaly score, descending; shared by all profiles. */
export interface SweepPool {
  /** Anomaly scores, descending. */
  readonly score: Float64Array;
  /** Unit value of a detection on that row (see {@link RowUnits.unit}). */
  readonly unit: Float64Array;
  /** Corpus-unique window id, or -1 outside every window. */
  readonly window: Int32Array;
  /** Number of windows that exist for scoring (each starts as a miss). */
  readonly windowCount: number;
  /** Upper bound (exclusive) of the window ids. */
  readonly windowSlots: number;
}

/** Score(θ) for every candidate θ, in descending θ order; the first candidate is 1.1 ("never detect"). */
export interface SweepCurve {
  readonly thresholds: Float64Array;
  readonly totals: Float64Array;
}

export interface ThresholdChoice {
  readonly threshold: number;
  readonly score: number;
}

/** Pools the scorable rows of all files and sorts them once: O(R log R) for R scorable rows. */
export function buildSweepPool(files: readonly { scores: ArrayLike<number>; units: RowUnits }[]): SweepPool {
  let total = 0;
  for (const f of files) total += Math.max(0, f.units.windowOf.length - f.units.probation);
  const rawScore = new Float64Array(total);
  const rawUnit = new Float64Array(total);
  const rawWindow = new Int32Array(total);
  let r = 0;
  let windowBase = 0;
  let windowCount = 0;
  for (const { scores, units } of files) {
    for (let i = units.probation; i < units.windowOf.length; i++, r++) {
      const w = units.windowOf[i]!;
      rawScore[r] = scores[i]!;
      rawUnit[r] = units.unit[i]!;
      rawWindow[r] = w >= 0 ? windowBase + w : -1;
    }
    windowBase += units.scorable.length;
    for (const s of units.scorable) if (s) windowCount++;
  }
  const order = new Uint32Array(total);
  for (let i = 0; i < total; i++) order[i] = i;
  order.sort((a, b) => rawScore[b]! - rawScore[a]!);
  const score = new Float64Array(total);
  const unit = new Float64Array(total);
  const window = new Int32Array(total);
  for (let i = 0; i < total; i++) {
    const o = order[i]!;
    score[i] = rawScore[o]!;
    unit[i] = rawUnit[o]!;
    window[i] = rawWindow[o]!;
  }
  return { score, unit, window, windowCount, windowSlots: windowBase };
}

/**
 * The exact linear sweep of NAB v1.1: walking rows from the highest score down, each distinct score is a candidate
 * threshold whose corpus score is the running total. O(R) after the sort.
 */
export function sweep(pool: SweepPool, profile: NabProfile): SweepCurve {
  const n = pool.score.length;
  const thresholds = new Float64Array(n + 1);
  const totals = new Float64Array(n + 1);
  const best = new Float64Array(pool.windowSlots).fill(-profile.fnWeight);
  let total = -profile.fnWeight * pool.windowCount;
  let current = 1.1;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const a = pool.score[i]!;
    if (a !== current) {
      thresholds[k] = current;
      totals[k++] = total;
      current = a;
    }
    const w = pool.window[i]!;
    if (w < 0) {
      total += profile.fpWeight * pool.unit[i]!;
    } else {
      const v = profile.tpWeight * pool.unit[i]!;
      const prev = best[w]!;
      if (v > prev) {
        total += v - prev;
        best[w] = v;
      }
    }
  }
  thresholds[k] = current;
  totals[k++] = total;
  return { thresholds: thresholds.subarray(0, k), totals: totals.subarray(0, k) };
}

/** The best point of a curve: highest score; among equal scores, the highest threshold (NAB's tie rule). */
export function bestThreshold(curve: SweepCurve): ThresholdChoice {
  let best = 0;
  for (let i = 1; i < curve.totals.length; i++) if (curve.totals[i]! > curve.totals[best]!) best = i;
  return { threshold: curve.thresholds[best]!, score: curve.totals[best]! };
}

/**
 * Score(θ) for any θ, read off the curve: the detections at θ are the rows with score ≥ θ, i.e. those of the smallest
 * candidate ≥ θ. Above every candidate nothing is detected. O(log R).
 */
export function scoreAt(curve: SweepCurve, threshold: number): number {
  const t = curve.thresholds;
  // Candidates are descending; find the last index with t[i] >= threshold.
  let lo = 0;
  let hi = t.length - 1;
  if (!(t[0]! >= threshold)) return curve.totals[0]!;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (t[mid]! >= threshold) lo = mid;
    else hi = mid - 1;
  }
  return curve.totals[lo]!;
}

/**
 * NAB v1.0's local hill-climbing optimiser ("twiddle": start 0.5, step 0.1, step doubled after an improvement and
 * halved otherwise, stop when the step is below 1e-7; thresholds outside [0, 1] score −∞), which produced most of
 * the published `final_results.json` figures. It can stop at a local optimum; v1.1 replaced it with {@link sweep}.
 * Offered only to reproduce published numbers.
 */
export function twiddle(objective: (threshold: number) => number, initial = 0.5, tolerance = 1e-7): ThresholdChoice {
  const past = new Map<number, number>();
  const evaluate = (x: number): number => {
    let s = past.get(x);
    if (s === undefined) {
      s = x >= 0 && x <= 1 ? objective(x) : Number.NEGATIVE_INFINITY;
      past.set(x, s);
    }
    return s;
  };
  let x = initial;
  let delta = 0.1;
  let bestScore = evaluate(x);
  while (delta > tolerance) {
    x += delta;
    let score = evaluate(x);
    if (score > bestScore) {
      bestScore = score;
      delta *= 2;
    } else {
      x -= 2 * delta;
      score = evaluate(x);
      if (score > bestScore) {
        bestScore = score;
        delta *= 2;
      } else {
        x += delta;
        delta *= 0.5;
      }
    }
  }
  let bestX = initial;
  let best = Number.NEGATIVE_INFINITY;
  for (const [t, s] of past) {
    if (s > best) {
      best = s;
      bestX = t;
    }
  }
  return { threshold: bestX, score: best };
}
