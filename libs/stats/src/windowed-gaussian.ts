import type { PointScorer } from './point-scorer';

/** Options of {@link WindowedGaussianDetector}; the defaults are the ones NAB's published results used. */
export interface WindowedGaussianOptions {
  /** Number of past values the Gaussian is fitted to (NAB: 6400). */
  windowSize?: number;
  /** Once the window is full, it slides by this many values at a time (NAB: 100). */
  stepSize?: number;
}

/**
 * NAB's "windowedGaussian" reference detector (Numenta Anomaly Benchmark, `nab/detectors/gaussian`), kept so that
 * every evaluation shows the distance between Tideline and a simple published baseline (NAB standard score 39.6).
 *
 * A point is scored against the mean m and population standard deviation s of the window of earlier values:
 * score = 1 − Q(|x − m| / s), where Q is the upper tail of the standard normal distribution. The window grows to
 * `windowSize` values, recomputing m and s after every value; once full, new values wait in a step buffer and the
 * window slides by `stepSize` values at a time. The first point scores 0; s = 0 is replaced by 1e-6.
 *
 * For parity with NAB's numpy code, m and s are recomputed from the window with numpy's pairwise summation, and Q is
 * evaluated with W. J. Cody's rational Chebyshev approximation of erfc (Math. Comp. 23 (1969) 631–638), which keeps
 * full relative accuracy in the far tail where NAB's scores round to 1.
 *
 * Complexity: O(window) per point while the window fills and once per `stepSize` points afterwards (amortised
 * O(window / stepSize)); memory: up to `windowSize + stepSize` doubles per series (about 52 KB with the defaults).
 * This is a reference, not a production detector.
 *
 * @example
 * ```ts
 * const wg = new WindowedGaussianDetector();
 * wg.scoreAndLearn(0, 10); // 0 (nothing learned yet)
 * wg.scoreAndLearn(60_000, 12); // 1 - Q(2 / 1e-6) = 1 (window holds one value, s = 1e-6)
 * ```
 */
export class WindowedGaussianDetector implements PointScorer {
  private readonly windowSize: number;
  private readonly stepSize: number;
  private window: Float64Array;
  private count = 0;
  private readonly step: Float64Array;
  private stepCount = 0;
  private mean = 0;
  private std = 1;

  constructor(options: WindowedGaussianOptions = {}) {
    this.windowSize = options.windowSize ?? 6400;
    this.stepSize = options.stepSize ?? 100;
    if (!Number.isInteger(this.windowSize) || this.windowSize < 1) throw new RangeError('windowSize must be ≥ 1');
    if (!Number.isInteger(this.stepSize) || this.stepSize < 1) throw new RangeError('stepSize must be ≥ 1');
    this.window = new Float64Array(Math.min(64, this.windowSize));
    this.step = new Float64Array(this.stepSize);
  }

  scoreAndLearn(_timestampMs: number, value: number): number {
    // A non-finite value cannot be scored against a Gaussian and would poison the window: neutral score, not learned.
    if (!Number.isFinite(value)) return 0;
    let score = 0;
    if (this.count > 0) {
      const m = this.mean;
      const x = value < m ? 2 * m - value : value;
      const z = (x - m) / this.std;
      score = 1 - 0.5 * erfc(z / Math.SQRT2);
    }
    this.learn(value);
    return score;
  }

  private learn(value: number): void {
    if (this.count < this.windowSize) {
      if (this.count === this.window.length) {
        const grown = new Float64Array(Math.min(this.windowSize, this.window.length * 2));
        grown.set(this.window);
        this.window = grown;
      }
      this.window[this.count++] = value;
      this.refit();
      return;
    }
    this.step[this.stepCount++] = value;
    if (this.stepCount === this.stepSize) {
      const w = this.window;
      w.copyWithin(0, this.stepSize, this.windowSize);
      w.set(this.step, this.windowSize - this.stepSize);
      this.stepCount = 0;
      this.refit();
    }
  }

  /** numpy: mean = sum(w)/n; std = sqrt(sum((w - mean)^2)/n), both sums pairwise. */
  private refit(): void {
    const n = this.count;
    const mean = pairwiseSum(this.window, 0, n) / n;
    const std = Math.sqrt(pairwiseSumSq(this.window, 0, n, mean) / n);
    this.mean = mean;
    this.std = std === 0 ? 0.000001 : std;
  }
}

/**
 * numpy's pairwise summation (`pairwise_sum_DOUBLE`): blocks of up to 128 values summed with eight accumulators,
 * larger ranges split in two at a multiple of 8.
 */
function pairwiseSum(a: Float64Array, offset: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = offset; i < offset + n; i++) res += a[i]!;
    return res;
  }
  if (n <= 128) {
    let r0 = a[offset]!;
    let r1 = a[offset + 1]!;
    let r2 = a[offset + 2]!;
    let r3 = a[offset + 3]!;
    let r4 = a[offset + 4]!;
    let r5 = a[offset + 5]!;
    let r6 = a[offset + 6]!;
    let r7 = a[offset + 7]!;
    const end8 = offset + n - (n % 8);
    let o = offset + 8;
    for (; o < end8; o += 8) {
      r0 += a[o]!;
      r1 += a[o + 1]!;
      r2 += a[o + 2]!;
      r3 += a[o + 3]!;
      r4 += a[o + 4]!;
      r5 += a[o + 5]!;
      r6 += a[o + 6]!;
      r7 += a[o + 7]!;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; o < offset + n; o++) res += a[o]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, offset, n2) + pairwiseSum(a, offset + n2, n - n2);
}

/** {@link pairwiseSum} of (a[i] − centre)², in the same order (numpy's `umr_sum((a - mean)**2)`). */
function pairwiseSumSq(a: Float64Array, offset: number, n: number, c: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = offset; i < offset + n; i++) res += (a[i]! - c) * (a[i]! - c);
    return res;
  }
  if (n <= 128) {
    let r0 = (a[offset]! - c) * (a[offset]! - c);
    let r1 = (a[offset + 1]! - c) * (a[offset + 1]! - c);
    let r2 = (a[offset + 2]! - c) * (a[offset + 2]! - c);
    let r3 = (a[offset + 3]! - c) * (a[offset + 3]! - c);
    let r4 = (a[offset + 4]! - c) * (a[offset + 4]! - c);
    let r5 = (a[offset + 5]! - c) * (a[offset + 5]! - c);
    let r6 = (a[offset + 6]! - c) * (a[offset + 6]! - c);
    let r7 = (a[offset + 7]! - c) * (a[offset + 7]! - c);
    const end8 = offset + n - (n % 8);
    let o = offset + 8;
    for (; o < end8; o += 8) {
      r0 += (a[o]! - c) * (a[o]! - c);
      r1 += (a[o + 1]! - c) * (a[o + 1]! - c);
      r2 += (a[o + 2]! - c) * (a[o + 2]! - c);
      r3 += (a[o + 3]! - c) * (a[o + 3]! - c);
      r4 += (a[o + 4]! - c) * (a[o + 4]! - c);
      r5 += (a[o + 5]! - c) * (a[o + 5]! - c);
      r6 += (a[o + 6]! - c) * (a[o + 6]! - c);
      r7 += (a[o + 7]! - c) * (a[o + 7]! - c);
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; o < offset + n; o++) res += (a[o]! - c) * (a[o]! - c);
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSumSq(a, offset, n2, c) + pairwiseSumSq(a, offset + n2, n - n2, c);
}

// W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969), coefficients as
// published in his CALERF routine (netlib specfun), written as the doubles they round to.
const A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315];
const B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
const C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769, 1712.0476126340707,
  2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
];
const D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597, 4362.619090143247,
  3439.3676741437216, 1230.3393548037495,
];
const P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 0.0006587491615298378,
  0.016315387137302097,
];
const Q = [2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918];
const SQRPI = 0.5641895835477563; // 1/√π
const XBIG = 26.543;

/** Complementary error function with high relative accuracy over the whole real line (Cody 1969). */
function erfc(x: number): number {
  const y = Math.abs(x);
  let result: number;
  if (y <= 0.46875) {
    const ysq = y > 1.11e-16 ? y * y : 0;
    let xnum = A[4]! * ysq;
    let xden = ysq;
    for (let i = 0; i < 3; i++) {
      xnum = (xnum + A[i]!) * ysq;
      xden = (xden + B[i]!) * ysq;
    }
    return 1 - (x * (xnum + A[3]!)) / (xden + B[3]!);
  }
  if (y <= 4) {
    let xnum = C[8]! * y;
    let xden = y;
    for (let i = 0; i < 7; i++) {
      xnum = (xnum + C[i]!) * y;
      xden = (xden + D[i]!) * y;
    }
    result = (xnum + C[7]!) / (xden + D[7]!);
  } else if (y >= XBIG) {
    result = 0;
  } else {
    const ysq = 1 / (y * y);
    let xnum = P[5]! * ysq;
    let xden = ysq;
    for (let i = 0; i < 4; i++) {
      xnum = (xnum + P[i]!) * ysq;
      xden = (xden + Q[i]!) * ysq;
    }
    result = (ysq * (xnum + P[4]!)) / (xden + Q[4]!);
    result = (SQRPI - result) / y;
  }
  if (result !== 0) {
    // exp(-y²) split as exp(-ysq²)·exp(-del) with ysq = y rounded down to 1/16, which keeps y² exact enough.
    const ysq = Math.trunc(y * 16) / 16;
    const del = (y - ysq) * (y + ysq);
    result = Math.exp(-ysq * ysq) * Math.exp(-del) * result;
  }
  return x < 0 ? 2 - result : result;
}
