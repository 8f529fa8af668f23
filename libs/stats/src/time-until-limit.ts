import type { TidelineDetector } from './tideline-detector';

/** When a series is projected to cross a limit. */
export interface TimeUntilLimit {
  /** Milliseconds from the last point until the crossing, at the fitted slope (the median estimate). */
  p50Ms: number;
  /**
   * Milliseconds by which the crossing has happened with 90% probability *at the latest* horizon the slope allows:
   * computed at the slope's lower 80% one-sided bound (slope − 1.2816·SE); Infinity when that bound does not head
   * towards the limit.
   */
  p90Ms: number;
  /** Absolute times of the two estimates. */
  p50AtMs: number;
  p90AtMs: number;
}

/**
 * Time until the series crosses `limit`, as a range, from the line fitted to its **current fill segment** (see
 * `SegmentTrend`: a sawtooth series such as a disk that fills and is cleaned up is projected on the current fill,
 * not on the average over cleanups). Returns null when the series is not heading towards the limit at all (slope of
 * the wrong sign or not significant at 2 standard errors), or has too little data.
 *
 * Method: inverse prediction from a linear regression (Draper & Smith, *Applied Regression Analysis*, §3.2), with
 * the range taken from the slope's standard error.
 *
 * Complexity: O(1).
 *
 * @example
 * ```ts
 * const d = new TidelineDetector();
 * for (let i = 0; i < 500; i++) d.scoreAndLearn(i * 60_000, 10 + i * 0.1 + (i % 2) * 0.01);
 * const r = timeUntilLimit(d, 100); // heading up at 0.1/min from ≈ 60: about 400 minutes
 * r !== null && r.p50Ms / 60_000; // ≈ 400
 * ```
 */
export function timeUntilLimit(detector: TidelineDetector, limit: number): TimeUntilLimit | null {
  const fit = detector.trend();
  if (fit.points < 10 || !Number.isFinite(fit.slopeStdError)) return null;
  const lastT = detector.state[1]!;
  const gap = limit - fit.level;
  const slope = fit.slope;
  if (gap === 0) return { p50Ms: 0, p90Ms: 0, p50AtMs: lastT, p90AtMs: lastT };
  const toward = gap > 0 ? slope : -slope;
  if (!(toward > 2 * fit.slopeStdError)) return null;
  const dist = gap > 0 ? gap : -gap;
  const p50 = dist / toward;
  const slow = toward - 1.2815515655446004 * fit.slopeStdError;
  const p90 = slow > 0 ? dist / slow : Infinity;
  return { p50Ms: p50, p90Ms: p90, p50AtMs: lastT + p50, p90AtMs: lastT + p90 };
}
