import type { PointScorer } from './point-scorer';
import { RobustLevel } from './robust-level';
import { SeasonalProfile } from './seasonal-profile';
import { Cusum } from './cusum';
import { TailNormaliser } from './tail-normaliser';
import { EwMoments } from './ew-moments';
import { AnomalyLikelihood } from './anomaly-likelihood';
import { RunningMoments } from './running-moments';
import { SegmentTrend, type TrendFit } from './segment-trend';
import { LogBucketSketch } from './log-bucket-sketch';
import { normalQuantile } from './normal-quantile';

/**
 * Tunables of {@link TidelineDetector}. The defaults are the one configuration used for every series (and for the
 * NAB evaluation); they are exposed for experiments and tests, not for per-series tuning.
 */
export interface TidelineDetectorOptions {
  /** Per-point smoothing of the fast (local) levels. */
  localAlpha?: number;
  /** Per-point smoothing of the slow baseline level. */
  slowAlpha?: number;
  /** Per-point smoothing of the spreads (mean absolute residuals). */
  scaleAlpha?: number;
  /** Huber clip, in σ, of what one point may teach the levels. */
  clip?: number;
  /** Holt trend smoothing β of the slow level (0: no trend). */
  trendBeta?: number;
  /** Per-point damping of that trend (Gardner & McKenzie 1985). */
  trendDamping?: number;
  /** Smoothing of the seasonal bins (per visit). */
  seasonAlpha?: number;
  /** Smoothing of the one-step error trackers that decide whether seasonality is present. */
  maeAlpha?: number;
  /** A seasonal predictor is used only when its mean absolute error is below this fraction of the simpler one's. */
  seasonMargin?: number;
  /** Bins of the daily profile (the weekly one has 168, hourly). */
  dailyBins?: number;
  /** CUSUM reference value k, in σ. */
  cusumK?: number;
  /** CUSUM value that counts as 4σ of evidence. */
  cusumH?: number;
  /** Weight of the sustained-deviation (drift) detector (0 turns it off). */
  driftWeight?: number;
  /** Smoothing of a second, slower drift statistic (0 turns it off). */
  slowDriftAlpha?: number;
  /** Smoothing of the sustained-deviation (drift) statistic. */
  driftAlpha?: number;
  /** Learning rate of the per-series tail quantile (log space). */
  tailEta?: number;
  /** Tail probability of that quantile. */
  tailProbability?: number;
  /** Half-life, in points, of the recent maximum that a deviation must beat. */
  maxHalfLife?: number;
  /** A deviation must exceed this multiple of the recent maximum to count as news. */
  maxMargin?: number;
  /** An alert raises a detector's recent maximum to at most this multiple of its reference. */
  maxStep?: number;
  /** Normalised surprise at which an alert fires. */
  fire?: number;
  /** Points after an alert during which lesser alerts are suppressed. */
  suppressPoints?: number;
  /** Factor applied to scores that are not alerts (keeps them below every alert). */
  quietFactor?: number;
  /** An alert during suppression needs this multiple of the last alert's surprise. */
  escalate?: number;
  /** A deviation still this large (drift statistic) when suppression ends is adopted as the new level. */
  adoptDrift?: number;
  /**
   * A value beyond the range of everything seen so far by more than this fraction of that range is an anomaly of
   * its own (the "spatial anomaly" rule of Numenta's NAB detector); 0 turns the rule off.
   */
  extremeTolerance?: number;
  /** Half-life, in points, of the remembered range (its distance from the slow baseline). */
  extremeHalfLife?: number;
  /** The extreme rule applies only to points whose own normalised surprise reaches this. */
  extremeGate?: number;
  /**
   * Minimum effect size: a point alerts only if it deviates from its expectation by at least this fraction of the
   * series' overall mean absolute deviation (so a perfectly regular series never alerts on rounding-level noise).
   */
  minDeviation?: number;
  /** Per-step rate at which a forecast moves from the current local level to the slow baseline. */
  forecastReversion?: number;
  /** z of the anomaly likelihood (of r/(r+1)) that counts as r = 1; 0 turns the likelihood off. */
  likelihoodZ?: number;
  /** Short-term smoothing of the likelihood's raw scores. */
  likelihoodShort?: number;
  /** Points before any score is produced. */
  warmUpPoints?: number;
}

/** Which detector explains a score. */
export type AnomalyDetectorName =
  'none' | 'spike' | 'dip' | 'seasonal_deviation' | 'level_shift' | 'drift' | 'new_high' | 'new_low';

/** Explanation of the last scored point (one object per detector, reused: copy it to keep it). */
export interface AnomalyExplanation {
  timestampMs: number;
  value: number;
  score: number;
  /** True when this point raised an alert (the score is then above every non-alert score). */
  alert: boolean;
  expected: number;
  lower: number;
  upper: number;
  detector: AnomalyDetectorName;
  /** Deviation in units of the series' own usual surprise (1 = as surprising as this series usually gets). */
  severity: number;
  seasonality: 'none' | 'daily' | 'weekly';
}

/** Expected value and band at a confidence. */
export interface ExpectedBand {
  expected: number;
  lower: number;
  upper: number;
}

/** The learned baseline of one series, see {@link TidelineDetector.baseline}. */
export interface TidelineBaseline {
  points: number;
  seasonality: 'none' | 'daily' | 'weekly';
  /** Slow (long-run, deseasonalised) level. */
  level: number;
  /** Local (recent, deseasonalised) robust level. */
  localLevel: number;
  /** Robust one-step spread (normal-consistent σ from the mean absolute error). */
  spread: number;
  ewMean: number;
  ewStd: number;
  p50: number;
  p95: number;
  p99: number;
  trendPerHour: number;
  trendStdErrorPerHour: number;
}

/** Versioned plain-object snapshot of a {@link TidelineDetector}. */
export interface TidelineDetectorSnapshot {
  kind: 'tideline-detector';
  version: 1;
  options: Required<TidelineDetectorOptions>;
  /** The state array as base64 of little-endian float64 (exact, including NaN and −0, and JSON-safe). */
  state: string;
}

const DEFAULTS: Required<TidelineDetectorOptions> = {
  localAlpha: 0.1,
  slowAlpha: 0.0015,
  scaleAlpha: 0.01,
  clip: 4,
  seasonAlpha: 0.05,
  trendBeta: 0,
  trendDamping: 0.999,
  maeAlpha: 0.01,
  seasonMargin: 1,
  dailyBins: 144,
  cusumK: 0.5,
  cusumH: 1e9,
  driftAlpha: 0.1,
  driftWeight: 1,
  slowDriftAlpha: 0.025,
  tailEta: 0.1,
  tailProbability: 0.003,
  maxHalfLife: 9000,
  maxMargin: 1,
  maxStep: 1e9,
  fire: 1,
  suppressPoints: 35,
  quietFactor: 0.3,
  escalate: 2,
  adoptDrift: 5,
  warmUpPoints: 15,
  forecastReversion: 0.01,
  extremeTolerance: 0.03,
  extremeGate: 0.3,
  extremeHalfLife: 50000,
  minDeviation: 0.05,
  likelihoodZ: 0,
  likelihoodShort: 0.2,
};
const FROZEN_DEFAULTS: Required<TidelineDetectorOptions> = Object.freeze({ ...DEFAULTS });
const OPTION_KEYS = Object.keys(DEFAULTS) as (keyof TidelineDetectorOptions)[];

const DAY = 86_400_000;
const WEEK = 7 * DAY;
const WEEKLY_BINS = 168;
const SQRT_HALF_PI = 1.2533141373155003;
const SKETCH_BUCKETS = 96;
const STATE_VERSION = 1;

// Header of the state array.
const N = 0;
const LAST_T = 1;
const FIRST_T = 2;
const SUPPRESS = 3;
const MAE0 = 4; // one-step mean absolute error: no seasonality / daily / weekly
const MAE1 = 5;
const MAE2 = 6;
const MAE_SLOW = 7;
const DRIFT = 8;
const FIRE_R = 9;
const K = 10; // active seasonality 0/1/2
const LAST_PRED = 11;
const LAST_SIGMA = 12;
const LAST_R1 = 13;
const LAST_R2 = 14;
const LAST_Z = 15;
const LAST_X = 16;
const LAST_SCORE = 17;
const LAST_ALERT = 18;
const LAST_CUSUM_WINS = 19;
const MIN_X = 20;
const MAX_X = 21;
const MAD_TOTAL = 22;
const LAST_R = 24;
const LAST_EXTREME = 23; // -1 new low, +1 new high, 0 neither
const DRIFT_SLOW = 25;
const SLOW_TREND = 26; // per-point slope of the slow level (Holt)
const HEADER = 27;
const L0 = HEADER;
const L1 = L0 + RobustLevel.SIZE;
const L2 = L1 + RobustLevel.SIZE;
const SLOW = L2 + RobustLevel.SIZE;
const CUSUM = SLOW + RobustLevel.SIZE;
const NORM1 = CUSUM + Cusum.SIZE;
const NORM2 = NORM1 + TailNormaliser.SIZE;
const NORM3 = NORM2 + TailNormaliser.SIZE;
const LIKE = NORM3 + TailNormaliser.SIZE;
const LIFE = LIKE + AnomalyLikelihood.SIZE;
const EW = LIFE + RunningMoments.SIZE;
const TREND = EW + EwMoments.SIZE;
const SKETCH = TREND + SegmentTrend.SIZE;
const DAILY = SKETCH + 7 + 2 * SKETCH_BUCKETS;

/** The configured model parts of one configuration (parameters and offsets only: no per-series numbers). */
interface Parts {
  size: number;
  l0: RobustLevel;
  l1: RobustLevel;
  l2: RobustLevel;
  slow: RobustLevel;
  cusum: Cusum;
  norm1: TailNormaliser;
  norm2: TailNormaliser;
  norm3: TailNormaliser;
  like: AnomalyLikelihood;
  ew: EwMoments;
  segment: SegmentTrend;
  sketch: LogBucketSketch;
  daily: SeasonalProfile;
  weekly: SeasonalProfile;
  extremeDecay: number;
}

const PARTS = new WeakMap<object, Parts>();

function partsFor(o: Required<TidelineDetectorOptions>): Parts {
  let parts = PARTS.get(o);
  if (parts === undefined) {
    const weeklyAt = DAILY + 2 * o.dailyBins;
    parts = {
      size: weeklyAt + 2 * WEEKLY_BINS,
      l0: new RobustLevel(o.localAlpha, o.scaleAlpha, o.clip, L0),
      l1: new RobustLevel(o.localAlpha, o.scaleAlpha, o.clip, L1),
      l2: new RobustLevel(o.localAlpha, o.scaleAlpha, o.clip, L2),
      slow: new RobustLevel(o.slowAlpha, o.scaleAlpha, o.clip, SLOW),
      cusum: new Cusum(o.cusumK, CUSUM),
      norm1: new TailNormaliser(4, o.tailEta, o.tailProbability, o.maxMargin, o.maxHalfLife, NORM1),
      norm2: new TailNormaliser(2, o.tailEta, o.tailProbability, o.maxMargin, o.maxHalfLife, NORM2),
      norm3: new TailNormaliser(2, o.tailEta, o.tailProbability, o.maxMargin, o.maxHalfLife, NORM3),
      like: new AnomalyLikelihood(o.likelihoodShort, 0.001, 0.0003, LIKE),
      ew: new EwMoments(o.slowAlpha, EW),
      segment: new SegmentTrend(0.999, 0.5, TREND),
      sketch: new LogBucketSketch(0.04, SKETCH_BUCKETS, 500, SKETCH), // 500 samples = 2,000 points
      daily: new SeasonalProfile(DAY, o.dailyBins, o.seasonAlpha, DAILY),
      weekly: new SeasonalProfile(WEEK, WEEKLY_BINS, o.seasonAlpha, weeklyAt),
      extremeDecay: Math.pow(0.5, 1 / o.extremeHalfLife),
    };
    PARTS.set(o, parts);
  }
  return parts;
}

/**
 * Tideline's streaming per-series baseline and anomaly detector. Each point is scored against what was learned
 * *before* it, then learned. All state is one `Float64Array` (7,120 bytes with the defaults; see
 * {@link stateBytes}), so snapshots are exact copies and restore continues bit-identically.
 *
 * Baseline: three robust exponentially smoothed levels (Gelper, Fried & Croux 2010) — one on the raw values, one on
 * values minus a daily profile, one minus a weekly profile (time-indexed additive Holt–Winters seasonal bins,
 * Winters 1960) — and the one whose one-step errors are smallest is used, so seasonality is used when it predicts
 * better. A slow level gives the long-run baseline; exponentially weighted mean/variance summarise the values; a
 * discounted least-squares line over the current fill segment gives the trend (sawtooth-aware); a fixed-size
 * log-bucket sketch gives p50/p95/p99.
 *
 * Detectors, scored before learning: (1) deviation of the point from the (seasonal) one-step prediction — spikes,
 * dips, seasonal deviations — optionally with a two-sided CUSUM of those residuals (Page 1954; `cusumH`, off by
 * default because (2) subsumed it on NAB); (2) smoothed deviations from the slow seasonal baseline at two speeds for
 * level shifts, slow drifts, leaks and contextual anomalies; (3) a value beyond the (slowly forgetting) range seen so
 * far, when it is also locally surprising (Numenta's "spatial anomaly" rule, gated). Each
 * statistic is divided by what is usual for *this* series (a tracked tail quantile, and the recent maximum, see
 * {@link TailNormaliser}) — the per-series normalisation that the anomaly likelihood of Ahmad et al. (2017)
 * provides, so noisy series do not page more than quiet ones. An alert fires when the normalised surprise reaches
 * `fire`; lesser alerts are then suppressed for `suppressPoints` points (NAB's best detectors likewise report the
 * start of an anomaly once), and a deviation that persists is adopted as the new level.
 *
 * Score: `r/(r + 1)` for alerts (r = normalised surprise, so ≥ 0.5 at the default fire level) and `quietFactor`
 * times that otherwise; always in [0, 1].
 *
 * Complexity: O(1) time per point, no allocation on the scoring path.
 *
 * @example
 * ```ts
 * const d = new TidelineDetector();
 * for (let i = 0; i < 500; i++) d.scoreAndLearn(i * 60_000, 10 + Math.sin(i));
 * d.scoreAndLearn(500 * 60_000, 100) > 0.5; // true: an alert
 * d.explain().detector; // 'new_high' (a spike beyond every value seen so far)
 * ```
 */
export class TidelineDetector implements PointScorer {
  /** The whole learned state (flat; do not modify). */
  readonly state: Float64Array;
  readonly options: Readonly<Required<TidelineDetectorOptions>>;
  /** Configured model parts, shared by every series with the same options; the numbers live in `state`. */
  private readonly p: Parts;
  private explanation: AnomalyExplanation | null = null;

  private static newExplanation(): AnomalyExplanation {
    return {
      timestampMs: NaN,
      value: NaN,
      score: 0,
      alert: false,
      expected: NaN,
      lower: NaN,
      upper: NaN,
      detector: 'none',
      severity: 0,
      seasonality: 'none',
    };
  }

  constructor(options: TidelineDetectorOptions = {}) {
    let o: Required<TidelineDetectorOptions> = FROZEN_DEFAULTS;
    for (const key of OPTION_KEYS) {
      const v = options[key];
      if (v !== undefined && v !== DEFAULTS[key]) {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`option ${key} must be a finite number`);
        if (o === FROZEN_DEFAULTS) o = { ...DEFAULTS };
        o[key] = v;
      }
    }
    // Series with the default configuration share one options object (memory per series).
    this.options = o === FROZEN_DEFAULTS ? o : Object.freeze(o);
    const s = (this.state = new Float64Array(DAILY + 2 * o.dailyBins + 2 * WEEKLY_BINS));
    this.p = partsFor(o);
    if (this.p.size !== s.length) throw new Error('internal: state layout mismatch');
  }

  /** Bytes of learned state per series (the `Float64Array`; the object wrappers are shared-shape and small). */
  get stateBytes(): number {
    return this.state.byteLength;
  }

  /** Points learned so far. */
  get count(): number {
    return this.state[N]!;
  }

  /** The seasonality currently in use. */
  get seasonality(): 'none' | 'daily' | 'weekly' {
    const k = this.state[K]!;
    return k === 0 ? 'none' : k === 1 ? 'daily' : 'weekly';
  }

  scoreAndLearn(t: number, x: number): number {
    const s = this.state;
    const o = this.options;
    const p = this.p;
    if (!Number.isFinite(x) || !Number.isFinite(t)) return 0;
    const n = s[N]!;
    s[N] = n + 1;
    if (n === 0) {
      s[FIRST_T] = t;
      s[LAST_T] = t;
      s[LAST_X] = x;
      s[LAST_PRED] = x;
      s[MIN_X] = x;
      s[MAX_X] = x;
      p.l0.update(s, x);
      p.l1.update(s, x);
      p.l2.update(s, x);
      p.slow.update(s, x);
      RunningMoments.updateAt(s, LIFE, x);
      p.ew.update(s, x);
      p.segment.update(s, t, x);
      p.sketch.update(s, x);
      return 0;
    }
    s[LAST_T] = t;
    const span = t - s[FIRST_T]!;
    const dPos = p.daily.position(t);
    const wPos = p.weekly.position(t);
    // The quantile sketch, trend line and lifetime moments do not take part in scoring: learning them first lets the
    // memory loads of the sketch bucket and the two profile bins overlap (the state of 10,000 series is far larger
    // than the CPU caches, so these loads dominate the cost of a point).
    // The sketch learns every 4th point (with weight 4: counts are relative), a systematic 25% sample that is
    // plenty for p50/p95/p99 and keeps its memory traffic off three points in four (measured: −25% time per point).
    if ((n & 3) === 0) p.sketch.update(s, x);
    RunningMoments.updateAt(s, LIFE, x);
    p.ew.update(s, x);
    p.segment.update(s, t, x);
    const dv = p.daily.valueAt(s, dPos);
    const wv = p.weekly.valueAt(s, wPos);
    const p0 = p.l0.level(s);
    const p1 = p.l1.level(s) + dv;
    const p2 = p.l2.level(s) + wv;
    // Seasonality is used only when its one-step errors clearly beat the simpler predictor's.
    let k = 0;
    let pred = p0;
    let mae = s[MAE0]!;
    let sigma = p.l0.sigma(s);
    // Hysteresis: a seasonal predictor must beat the simpler one by the margin to be adopted, and is kept while it
    // is at least as good, so a random series does not flip into seasonality on a lucky stretch.
    const prevK = s[K]!;
    if (span > 2 * DAY && s[MAE1]! < (prevK >= 1 ? 1 : o.seasonMargin) * mae) {
      k = 1;
      pred = p1;
      mae = s[MAE1]!;
      sigma = p.l1.sigma(s);
    }
    if (span > 2 * WEEK && s[MAE2]! < (prevK === 2 ? 1 : o.seasonMargin) * mae) {
      k = 2;
      pred = p2;
      sigma = p.l2.sigma(s);
    }
    s[K] = k;
    const slowTrend = s[SLOW_TREND]!;
    const slowLevel = p.slow.level(s) + slowTrend;
    const floor = 1e-9 + 1e-4 * Math.abs(slowLevel);
    // Detector 1: this point against the one-step prediction, plus CUSUM of those residuals.
    const z = (x - pred) / (sigma + floor);
    const cs = o.cusumH < 1e9 ? p.cusum.update(s, z > 4 ? 4 : z < -4 ? -4 : z) : 0;
    const az = z < 0 ? -z : z;
    const uc = (cs / o.cusumH) * 4;
    const u1 = uc > az ? uc : az;
    // Detector 2: smoothed deviation from the slow (seasonal) baseline.
    const seasonK = k === 0 ? 0 : k === 1 ? dv : wv;
    const eSlow = x - slowLevel - seasonK;
    const maeSlow = s[MAE_SLOW]!;
    const zs = eSlow / (SQRT_HALF_PI * maeSlow + floor);
    const drift = s[DRIFT]! + o.driftAlpha * ((zs > 4 ? 4 : zs < -4 ? -4 : zs) - s[DRIFT]!);
    s[DRIFT] = drift;
    const u2 = (drift < 0 ? -drift : drift) * o.driftWeight;

    const warm = n < o.warmUpPoints;
    if (n === o.warmUpPoints) {
      p.norm1.reset(s);
      p.norm2.reset(s);
      p.norm3.reset(s);
    }
    const r1 = p.norm1.score(s, u1);
    let r2 = p.norm2.score(s, u2);
    let u3 = 0;
    let r3 = 0;
    if (o.slowDriftAlpha > 0) {
      const d3 = s[DRIFT_SLOW]! + o.slowDriftAlpha * ((zs > 4 ? 4 : zs < -4 ? -4 : zs) - s[DRIFT_SLOW]!);
      s[DRIFT_SLOW] = d3;
      u3 = d3 < 0 ? -d3 : d3;
      r3 = p.norm3.score(s, u3);
      if (r3 > r2) r2 = r3;
    }
    let r = r1 > r2 ? r1 : r2;
    let extreme = 0;
    if (o.likelihoodZ > 0 && !warm) {
      // Anomaly likelihood of the normalised surprise: a burst of moderately unusual points.
      const zl = p.like.update(s, r / (r + 1));
      const rl = zl / o.likelihoodZ;
      if (rl > r) r = rl;
    }
    const lo = s[MIN_X]!;
    const hi = s[MAX_X]!;
    if (o.extremeTolerance > 0 && hi > lo) {
      const tol = o.extremeTolerance * (hi - lo);
      const beyond = x > hi + tol ? (x - hi) / (hi - lo) : x < lo - tol ? (lo - x) / (hi - lo) : 0;
      // Only when the point is also somewhat surprising locally: a smooth trend to new highs is not an anomaly.
      if (beyond > 0 && r >= o.extremeGate) {
        extreme = x > hi ? 1 : -1;
        if (1 + beyond > r) r = 1 + beyond;
      }
    }
    // The range forgets slowly (towards the slow baseline), so one old incident does not mask new ones forever.
    const mid = slowLevel + seasonK;
    const keep = p.extremeDecay;
    s[MIN_X] = x < lo ? x : lo > mid ? lo : mid + (lo - mid) * keep;
    s[MAX_X] = x > hi ? x : hi < mid ? hi : mid + (hi - mid) * keep;
    let score = warm ? 0 : r / (r + 1);

    let suppress = s[SUPPRESS]!;
    if (suppress > 0) {
      suppress -= 1;
      if (suppress === 0 && (drift > o.adoptDrift || drift < -o.adoptDrift)) {
        // Still far from the slow baseline when the alert's quiet period ends: a genuine level shift.
        p.slow.reset(s, k === 0 ? p.l0.level(s) : k === 1 ? p.l1.level(s) : p.l2.level(s));
        s[SLOW_TREND] = 0;
        s[DRIFT] = 0;
      }
    }
    let alert = false;
    // Size of the deviation behind the alert: the point's own, or the smoothed one for the drift detector.
    const dev = r1 >= r2 ? Math.abs(x - pred) : (drift < 0 ? -drift : drift) * SQRT_HALF_PI * maeSlow;
    const big = dev >= o.minDeviation * s[MAD_TOTAL]!;
    if (!warm && big && r >= o.fire && (suppress <= 0 || r > o.escalate * s[FIRE_R]!)) {
      suppress = o.suppressPoints;
      s[FIRE_R] = r;
      alert = true;
    } else {
      score *= o.quietFactor;
    }
    s[SUPPRESS] = suppress;
    // Learn what is usual. An alert may raise a detector's "recent maximum" only to `maxStep` times its reference,
    // so one large incident does not hide the next, smaller one for weeks.
    const cap = alert ? o.maxStep : Infinity;
    p.norm1.learn(s, u1, r1 > 0 ? (cap * u1) / r1 : Infinity);
    const r2own = p.norm2.score(s, u2);
    p.norm2.learn(s, u2, r2own > 0 ? (cap * u2) / r2own : Infinity);
    if (o.slowDriftAlpha > 0) p.norm3.learn(s, u3, r3 > 0 ? (cap * u3) / r3 : Infinity);
    s[LAST_PRED] = pred;
    s[LAST_SIGMA] = sigma + floor;
    s[LAST_R1] = r1;
    s[LAST_R2] = r2;
    s[LAST_Z] = z;
    s[LAST_X] = x;
    s[LAST_SCORE] = score;
    s[LAST_ALERT] = alert ? 1 : 0;
    s[LAST_CUSUM_WINS] = uc > az ? 1 : 0;
    s[LAST_EXTREME] = extreme;
    s[LAST_R] = r;

    // Learn.
    const ma = o.maeAlpha > 1 / n ? o.maeAlpha : 1 / n;
    s[MAE0] = s[MAE0]! + ma * (Math.abs(x - p0) - s[MAE0]!);
    s[MAE1] = s[MAE1]! + ma * (Math.abs(x - p1) - s[MAE1]!);
    s[MAE2] = s[MAE2]! + ma * (Math.abs(x - p2) - s[MAE2]!);
    const sa = ma > 0.002 ? ma : 0.002;
    s[MAE_SLOW] = maeSlow + sa * ((eSlow < 0 ? -eSlow : eSlow) - maeSlow);
    s[MAD_TOTAL] = s[MAD_TOTAL]! + sa * (Math.abs(x - slowLevel) - s[MAD_TOTAL]!);
    p.l0.update(s, x);
    p.l1.update(s, x - dv);
    p.l2.update(s, x - wv);
    // Holt's linear trend on the slow level (error-correction form: b += β·(level correction)).
    p.slow.reset(s, slowLevel);
    p.slow.update(s, x - seasonK);
    s[SLOW_TREND] = o.trendBeta * (p.slow.level(s) - slowLevel) + slowTrend * o.trendDamping;
    p.daily.updateAt(s, dPos, x - slowLevel);
    p.weekly.updateAt(s, wPos, x - slowLevel);
    if (cs > 2 * o.cusumH) p.cusum.reset(s);
    return score;
  }

  /** Why the last point scored what it did. Returns the same object each call: copy it to keep it. */
  explain(confidence = 0.99): AnomalyExplanation {
    const s = this.state;
    const e = (this.explanation ??= TidelineDetector.newExplanation());
    const zq = normalQuantile(0.5 + confidence / 2);
    const pred = s[LAST_PRED]!;
    const sigma = s[LAST_SIGMA]!;
    const r1 = s[LAST_R1]!;
    const r2 = s[LAST_R2]!;
    e.timestampMs = s[LAST_T]!;
    e.value = s[LAST_X]!;
    e.score = s[LAST_SCORE]!;
    e.alert = s[LAST_ALERT]! === 1;
    e.expected = pred;
    e.lower = pred - zq * sigma;
    e.upper = pred + zq * sigma;
    e.severity = s[LAST_R]!;
    e.seasonality = this.seasonality;
    const k = s[K]!;
    const p = this.p;
    if (e.severity < 0.5 || s[N]! < 2) e.detector = 'none';
    else if (s[LAST_EXTREME]! !== 0) e.detector = s[LAST_EXTREME]! > 0 ? 'new_high' : 'new_low';
    else if (r2 > r1) {
      // Sustained deviation: a level shift when the local level has already moved far from the slow baseline
      // (abrupt), a drift when it is still close (gradual).
      const local = k === 0 ? p.l0.level(s) : k === 1 ? p.l1.level(s) : p.l2.level(s);
      const gap = Math.abs(local - p.slow.level(s));
      e.detector = gap > 3 * SQRT_HALF_PI * s[MAE_SLOW]! ? 'level_shift' : 'drift';
    } else if (s[LAST_CUSUM_WINS]! === 1) e.detector = 'level_shift';
    else if (k !== 0) e.detector = 'seasonal_deviation';
    else e.detector = s[LAST_Z]! >= 0 ? 'spike' : 'dip';
    return e;
  }

  /**
   * What is expected at time `t` (at or after the last point), with a two-sided band at `confidence`: the current
   * level plus the seasonal profile at `t`, with a spread that widens from the one-step error towards the slow
   * baseline's error as `t` moves away from the last point.
   */
  expected(t: number, confidence = 0.95): ExpectedBand {
    const out = { expected: NaN, lower: NaN, upper: NaN };
    this.predictInto(t, confidence, out);
    return out;
  }

  /** Allocation-free form of {@link expected}, used by forecasts. */
  predictInto(t: number, confidence: number, out: ExpectedBand): void {
    const s = this.state;
    const o = this.options;
    const p = this.p;
    if (s[N]! === 0) {
      out.expected = out.lower = out.upper = NaN;
      return;
    }
    const k = s[K]!;
    const stepMs = this.typicalStepMs();
    const h = stepMs > 0 ? Math.max(0, (t - s[LAST_T]!) / stepMs) : 0;
    const phi = Math.pow(1 - o.forecastReversion, h);
    const local = k === 0 ? p.l0.level(s) : k === 1 ? p.l1.level(s) : p.l2.level(s);
    const season = k === 0 ? 0 : k === 1 ? p.daily.value(s, t) : p.weekly.value(s, t);
    const slowLevel = p.slow.level(s);
    let mean = slowLevel + (local - slowLevel) * phi + season;
    const sigma1 = k === 0 ? p.l0.sigma(s) : k === 1 ? p.l1.sigma(s) : p.l2.sigma(s);
    const sigmaSlow = SQRT_HALF_PI * s[MAE_SLOW]!;
    // Exponential smoothing's h-step error variance σ²(1 + (h − 1)α²) for the local part, blended towards the
    // slow baseline's error variance as the forecast reverts to it.
    const grow = 1 + (h > 1 ? h - 1 : 0) * o.localAlpha * o.localAlpha;
    let variance = sigma1 * sigma1 * grow * phi + sigmaSlow * sigmaSlow * (1 - phi);
    // A significant trend of the current segment continues (damped to at most one segment's worth of time).
    const fit = p.segment.fit(s);
    if (fit.points >= 10 && Math.abs(fit.slope) > 2 * fit.slopeStdError) {
      const dt = t - s[LAST_T]!;
      mean += fit.slope * dt;
      variance += fit.slopeStdError * fit.slopeStdError * dt * dt;
    }
    const zq = normalQuantile(0.5 + confidence / 2);
    const sd = Math.sqrt(variance);
    out.expected = mean;
    out.lower = mean - zq * sd;
    out.upper = mean + zq * sd;
  }

  /** Median spacing of the points so far (from the span and count), in milliseconds. */
  typicalStepMs(): number {
    const s = this.state;
    const n = s[N]!;
    return n > 1 ? (s[LAST_T]! - s[FIRST_T]!) / (n - 1) : 0;
  }

  /** p50, p95 and p99 of recent values (decaying sketch of every 4th point, relative accuracy 4%). */
  quantiles(): { p50: number; p95: number; p99: number } {
    const s = this.state;
    const sk = this.p.sketch;
    return { p50: sk.quantile(s, 0.5), p95: sk.quantile(s, 0.95), p99: sk.quantile(s, 0.99) };
  }

  /**
   * The learned baseline in one plain object (for the baseline service and dashboards): robust level and spread
   * (the Huber-clipped level and normal-consistent MAE of the predictor in use), exponentially weighted mean and
   * standard deviation of the values (α = `slowAlpha`), p50/p95/p99, the trend per hour, the seasonality in use and
   * the number of points learned. Allocates; not for the per-point path.
   */
  baseline(): TidelineBaseline {
    const s = this.state;
    const p = this.p;
    const k = s[K]!;
    const level = k === 0 ? p.l0 : k === 1 ? p.l1 : p.l2;
    const q = this.quantiles();
    const fit = p.segment.fit(s);
    return {
      points: s[N]!,
      seasonality: this.seasonality,
      level: p.slow.level(s) + s[SLOW_TREND]!,
      localLevel: level.level(s),
      spread: level.sigma(s),
      ewMean: p.ew.mean(s),
      ewStd: p.ew.std(s),
      p50: q.p50,
      p95: q.p95,
      p99: q.p99,
      trendPerHour: fit.slope * 3_600_000,
      trendStdErrorPerHour: fit.slopeStdError * 3_600_000,
    };
  }

  /** Line through the current fill segment, with its uncertainty. */
  trend(): TrendFit {
    return this.p.segment.fit(this.state);
  }

  /** Lifetime count, mean and variance of the values (mergeable). */
  lifetime(): RunningMoments {
    return RunningMoments.restore(new RunningMoments(this.state, LIFE).snapshot());
  }

  snapshot(): TidelineDetectorSnapshot {
    return {
      kind: 'tideline-detector',
      version: STATE_VERSION,
      options: { ...this.options },
      state: toBase64(encodeLe(this.state)),
    };
  }

  static restore(snapshot: TidelineDetectorSnapshot): TidelineDetector {
    if (snapshot.kind !== 'tideline-detector' || snapshot.version !== STATE_VERSION) {
      throw new RangeError(`unsupported detector snapshot ${String(snapshot.kind)} v${String(snapshot.version)}`);
    }
    const d = new TidelineDetector(snapshot.options);
    const state = decodeLe(fromBase64(snapshot.state));
    if (state.length !== d.state.length) throw new RangeError('snapshot state has the wrong length');
    d.state.set(state);
    return d;
  }

  /**
   * Compact binary form: little-endian float64 `[version, optionCount, …options, stateLength, …state]`.
   * 8 bytes per number; with the defaults see {@link stateBytes} plus 200 bytes.
   */
  toBytes(): Uint8Array {
    const head = 2 + OPTION_KEYS.length + 1;
    const out = new Float64Array(head + this.state.length);
    out[0] = STATE_VERSION;
    out[1] = OPTION_KEYS.length;
    OPTION_KEYS.forEach((key, i) => (out[2 + i] = this.options[key]));
    out[head - 1] = this.state.length;
    out.set(this.state, head);
    return encodeLe(out);
  }

  static fromBytes(bytes: Uint8Array): TidelineDetector {
    if (bytes.byteLength % 8 !== 0) throw new RangeError('detector bytes must be a whole number of float64');
    const f = decodeLe(bytes);
    if (f[0] !== STATE_VERSION) throw new RangeError(`unsupported detector bytes version ${String(f[0])}`);
    const nOpt = f[1]!;
    if (nOpt !== OPTION_KEYS.length) throw new RangeError('detector bytes have an unknown option layout');
    const options: TidelineDetectorOptions = {};
    OPTION_KEYS.forEach((key, i) => (options[key] = f[2 + i]!));
    const d = new TidelineDetector(options);
    const head = 2 + nOpt + 1;
    if (f[head - 1] !== d.state.length || f.length !== head + d.state.length) {
      throw new RangeError('detector bytes have the wrong state length');
    }
    d.state.set(f.subarray(head));
    return d;
  }
}

function encodeLe(values: Float64Array): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i]!, true);
  return out;
}

function decodeLe(bytes: Uint8Array): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(bytes.byteLength >> 3);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x2000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  return btoa(bin);
}

function fromBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
