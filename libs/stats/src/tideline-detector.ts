import type { PointScorer } from './point-scorer';
import { normalTail } from './normal-tail';

/** Options of {@link TidelineDetector}. */
export interface TidelineDetectorOptions {
  /** Smoothing factor of the exponentially weighted level and variance (per point). */
  alpha?: number;
  /** Points learned before any score above 0 is produced. */
  warmUpPoints?: number;
}

const N = 0;
const MEAN = 1;
const VAR = 2;
const SIZE = 3;

/**
 * Streaming per-series anomaly detector (first version: exponentially weighted z-score, scored before learning).
 *
 * Complexity: O(1) time and O(1) memory per point; state is one `Float64Array`.
 *
 * @example
 * ```ts
 * const d = new TidelineDetector();
 * for (let i = 0; i < 100; i++) d.scoreAndLearn(i * 60_000, 10 + (i % 3));
 * d.scoreAndLearn(100 * 60_000, 1000); // close to 1
 * ```
 */
export class TidelineDetector implements PointScorer {
  private readonly s = new Float64Array(SIZE);
  private readonly alpha: number;
  private readonly warmUp: number;

  constructor(options: TidelineDetectorOptions = {}) {
    this.alpha = options.alpha ?? 0.02;
    this.warmUp = options.warmUpPoints ?? 30;
  }

  scoreAndLearn(_timestampMs: number, value: number): number {
    const s = this.s;
    const n = s[N]!;
    let score = 0;
    if (n === 0) {
      s[MEAN] = value;
    } else {
      const mean = s[MEAN]!;
      const sd = Math.sqrt(s[VAR]!) + 1e-9 * (Math.abs(mean) + 1);
      if (n >= this.warmUp) score = 1 - 2 * normalTail(Math.abs(value - mean) / sd);
      const d = value - mean;
      const incr = this.alpha * d;
      s[MEAN] = mean + incr;
      s[VAR] = (1 - this.alpha) * (s[VAR]! + d * incr);
    }
    s[N] = n + 1;
    return score < 0 ? 0 : score > 1 ? 1 : score;
  }
}
