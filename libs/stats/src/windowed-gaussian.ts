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
// published in his CALERF routine (netlib specfun), for IEEE double precision.
const A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909,
  1712.04761263407058, 2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
];
const D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963,
  4362.61909014324716, 3439.36767414372164, 1230.33935480374942,
];
const P = [
  0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4,
  0.0163153871373020978,
];
const Q = [
  2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185,
];
const SQRPI = 0.56418958354775628695; // 1/√π
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
