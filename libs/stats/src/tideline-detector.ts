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
import { normalTail } from './normal-tail';

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
  /**
   * A deviation still this large (drift statistic, which is clipped to ±4) when suppression ends is adopted at once
   * as the new slow level. The default, 5, leaves this off: the local levels follow a shift within tens of points,
   * the slow level within hundreds, and the per-series normalisation keeps a persisting shift from alerting again.
   * Adopting at 3 cost 0.1 NAB points (74.22 vs 74.32), at 2.5 0.6.
   */
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
  /** ... and only beyond the range by at least this many one-step spreads (0: no such minimum). */
  extremeSpread?: number;
  /**
   * The extreme rule applies only once this many points have built the range (600: about two days of 5-minute points;
   * before that a daily cycle's second peak would be a "new high").
   */
  extremeAfter?: number;
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
  /**
   * Calibration: the per-point tail probability, under the model (Gaussian one-step errors of the robust spread), that
   * a statistic must reach to alert however unusual the series' own history makes it look. Each detector's reference
   * is at least the statistic's (1 − modelTail/2) quantile under that model, so white noise alerts at about this rate
   * per point and no more. 0 turns it off (the per-series reference alone, as before version 3).
   */
  modelTail?: number;
  /**
   * Points (counting a fleet prior's, see {@link TidelineDetector.applyPrior}) during which the model still doubts
   * what it learned: the surprise is divided, and the band widened, by 1 + warmUpWidth · (1/√n − 1/√warmUpSpan).
   * 0 turns it off.
   */
  warmUpSpan?: number;
  /** How wide the warm-up doubt is (see `warmUpSpan`): 8 makes a point deviate twice as far at point 30. */
  warmUpWidth?: number;
  /**
   * Burst memory: per-point smoothing of the rate of outliers (points beyond the model's `modelTail` quantile). A
   * series whose outliers recur (a job every hour, sparse request bursts) is a mixture of its usual noise and its
   * bursts, so a point is judged by its tail probability under that mixture: the outlier rate times how unusual the
   * point's size is among the bursts seen (log-normal sizes). A burst of a usual size then does not alert; a burst far
   * larger than the usual ones still does. 0 turns it off (as before state version 4).
   */
  burstRateAlpha?: number;
  /** Outliers seen before the burst memory is used (one or two are incidents, not a habit). */
  burstMin?: number;
  /** Smallest spread of the bursts' log sizes (0.25: a burst 3 times the usual size is beyond 4.4 spreads). */
  burstSpreadFloor?: number;
  /**
   * Quantised near-constant series (whole numbers that sit on one value with the odd ±1): when the slow spread (mean
   * absolute deviation from the slow baseline) is below this fraction of the data's resolution (the smallest change
   * between two points seen), the Gaussian reading of that spread (1.25 × MAE) is far too small — most deviations
   * are exactly 0 — so the sustained-deviation statistics use the spread of the unrounded value that the rounding
   * implies, q / (2 Φ⁻¹(1 − MAE/(2q))), and a deviation less half a quantum. 0 turns it off (as before state version 5).
   */
  quantisedBelow?: number;
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
  /**
   * Evidence under the model: the two-sided tail probability of the statistic behind `detector` if the series were
   * its expected value plus Gaussian noise of the robust spread (the point's z for spikes, dips, seasonal deviations
   * and new extremes; the smoothed deviation, against its own spread, for level shifts and drifts); for an outlier of a
   * series with a burst memory, its tail under the mixture of the noise and the bursts. An alert of the point or drift
   * detector at the default configuration has this at or below `modelTail` (1e-5).
   */
  tailProbability: number;
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
  /**
   * 5 since the data's resolution has two slots in the header (and `quantisedBelow` was added); 4 since the burst
   * memory's numbers were appended (and `burstRateAlpha`, `burstMin`, `burstSpreadFloor` added); 3
   * since the fleet prior's were (and `modelTail`, `warmUpSpan`, `warmUpWidth`); 2 since the hot numbers were packed
   * together. Snapshots of versions 1 to 4 are still restored (see restore), with the options they did not have off,
   * so they continue as they would have.
   */
  version: 1 | 2 | 3 | 4 | 5;
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
  extremeSpread: 0.5,
  extremeAfter: 600,
  extremeHalfLife: 50000,
  minDeviation: 0.05,
  likelihoodZ: 0,
  likelihoodShort: 0.2,
  modelTail: 1e-5,
  warmUpSpan: 300,
  warmUpWidth: 8,
  burstRateAlpha: 0.0015,
  burstMin: 10,
  burstSpreadFloor: 0.25,
  quantisedBelow: 0.25,
};
/** Options a snapshot or bytes of state version 1 or 2 did not have, and their values then (the feature off). */
const BEFORE_VERSION_3: Partial<Record<keyof TidelineDetectorOptions, number>> = {
  extremeSpread: 0,
  extremeAfter: 0,
  modelTail: 0,
  warmUpSpan: 0,
  warmUpWidth: 0,
};
/** Options state version 3 did not have, and their values then (the feature off). */
const BEFORE_VERSION_4: Partial<Record<keyof TidelineDetectorOptions, number>> = {
  burstRateAlpha: 0,
  burstMin: 0,
  burstSpreadFloor: 0,
};
/** Options state version 4 did not have, and their values then (the feature off). */
const BEFORE_VERSION_5: Partial<Record<keyof TidelineDetectorOptions, number>> = {
  quantisedBelow: 0,
};
const FROZEN_DEFAULTS: Required<TidelineDetectorOptions> = Object.freeze({ ...DEFAULTS });
const OPTION_KEYS = Object.keys(DEFAULTS) as (keyof TidelineDetectorOptions)[];

const DAY = 86_400_000;
const WEEK = 7 * DAY;
const WEEKLY_BINS = 168;
const SQRT_HALF_PI = 1.2533141373155003;
const SKETCH_BUCKETS = 96;
const STATE_VERSION = 5;

/** The fleet prior a new series started from (at the end of the state, behind the weekly profile): points, q1–q3. */
const PRIOR_SIZE = 4;
/**
 * The burst memory (behind the prior; read and written only on outlier points): the outlier rate at the last
 * outlier and that point's number, outliers seen, mean and mean absolute deviation of their log sizes, and the
 * mixture's z of the last point it judged and that point's number (for `explain`).
 */
const BURST_SIZE = 7;
const BURST_RATE = 0;
const BURST_AT = 1;
const BURST_COUNT = 2;
const BURST_LOG_MEAN = 3;
const BURST_LOG_MAD = 4;
const BURST_LAST_Z = 5;
const BURST_LAST_N = 6;

/**
 * The layout of {@link TidelineDetector.state}, in order: each part's name and its number of float64 slots. Offsets
 * and the state's length are the running sums of the sizes (see {@link tidelineStateOffsets}); nothing is numbered
 * by hand. The order is the byte format of snapshots and `toBytes`: changing an entry means a new `STATE_VERSION`
 * and the old table in `LAYOUTS` (restore moves each part by name; version 1 also needs `stateFromVersion1`), and
 * the layout test fails until then. First the header (single numbers), then the parts every point reads and writes
 * (up to `CUSUM`, so they share few cache lines), then the rarely used ones, the profiles, the fleet prior and the
 * burst memory.
 * @internal
 */
export const TIDELINE_STATE_PARTS = [
  ['N', 1],
  ['LAST_T', 1],
  ['FIRST_T', 1],
  ['SUPPRESS', 1],
  ['MAE0', 1], // one-step mean absolute error: no seasonality / daily / weekly
  ['MAE1', 1],
  ['MAE2', 1],
  ['MAE_SLOW', 1],
  ['DRIFT', 1],
  ['FIRE_R', 1],
  ['K', 1], // active seasonality 0/1/2
  ['LAST_PRED', 1],
  ['LAST_SIGMA', 1],
  ['LAST_R1', 1],
  ['LAST_R2', 1],
  ['LAST_Z', 1],
  ['LAST_X', 1],
  ['LAST_SCORE', 1],
  ['LAST_ALERT', 1],
  ['LAST_CUSUM_WINS', 1],
  ['MIN_X', 1],
  ['MAX_X', 1],
  ['MAD_TOTAL', 1],
  ['LAST_EXTREME', 1], // -1 new low, +1 new high, 0 neither
  ['LAST_R', 1],
  ['DRIFT_SLOW', 1],
  ['SLOW_TREND', 1], // per-point slope of the slow level (Holt)
  ['RESOLUTION', 1], // smallest nonzero change between two points seen (0: none yet), see `quantisedBelow`
  ['RESOLUTION_SEEN', 1], // changes of about that size seen since (up to 20)
  ['L0', RobustLevel.SIZE], // the first part after the header
  ['L1', RobustLevel.SIZE],
  ['L2', RobustLevel.SIZE],
  ['SLOW', RobustLevel.SIZE],
  ['NORM1', TailNormaliser.SIZE],
  ['NORM2', TailNormaliser.SIZE],
  ['NORM3', TailNormaliser.SIZE],
  ['LIFE', RunningMoments.SIZE],
  ['EW', EwMoments.SIZE],
  ['TREND', SegmentTrend.SIZE],
  ['CUSUM', Cusum.SIZE], // the first part behind the hot ones
  ['LIKE', AnomalyLikelihood.SIZE],
  ['SKETCH', 7 + 2 * SKETCH_BUCKETS], // LogBucketSketch.size
  ['DAILY', 'dailyBins'], // SeasonalProfile of `dailyBins` bins: 2 · dailyBins
  ['WEEKLY', 2 * WEEKLY_BINS],
  ['PRIOR', PRIOR_SIZE],
  ['BURST', BURST_SIZE],
] as const satisfies readonly (readonly [string, number | 'dailyBins'])[];

type StatePart = (typeof TIDELINE_STATE_PARTS)[number][0];
type StateParts = readonly (readonly [StatePart, number | 'dailyBins'])[];

/**
 * The layouts of earlier state versions, as tables of the same parts (restore converts them part by part): version 4
 * had no `RESOLUTION` and `RESOLUTION_SEEN`, version 3 no burst memory either, versions 1 and 2 no fleet prior
 * (version 1 also kept CUSUM and the likelihood elsewhere, see `stateFromVersion1`).
 */
const PARTS_BEFORE_VERSION_5: StateParts = TIDELINE_STATE_PARTS.filter(
  ([name]) => name !== 'RESOLUTION' && name !== 'RESOLUTION_SEEN',
);
const LAYOUTS: Readonly<Record<1 | 2 | 3 | 4, StateParts>> = {
  4: PARTS_BEFORE_VERSION_5,
  3: PARTS_BEFORE_VERSION_5.filter(([name]) => name !== 'BURST'),
  2: PARTS_BEFORE_VERSION_5.filter(([name]) => name !== 'BURST' && name !== 'PRIOR'),
  1: PARTS_BEFORE_VERSION_5.filter(([name]) => name !== 'BURST' && name !== 'PRIOR'),
};

function offsetsOf(parts: StateParts, dailyBins: number): Record<StatePart | 'LENGTH', number> {
  const at = {} as Record<StatePart | 'LENGTH', number>;
  let next = 0;
  for (const [name, size] of parts) {
    at[name] = next;
    next += size === 'dailyBins' ? 2 * dailyBins : size;
  }
  at.LENGTH = next;
  return at;
}

/**
 * Offsets of every part of the state for a configuration with `dailyBins` daily bins, and the state's `LENGTH`
 * (the parts before `DAILY` do not depend on it).
 * @internal
 */
export function tidelineStateOffsets(dailyBins: number): Readonly<Record<StatePart | 'LENGTH', number>> {
  return offsetsOf(TIDELINE_STATE_PARTS, dailyBins);
}

/** A state written in an earlier layout, moved part by part into today's (parts it did not have start at zero). */
function convertLayout(old: Float64Array, version: 1 | 2 | 3 | 4, dailyBins: number): Float64Array {
  const parts = LAYOUTS[version];
  const from = offsetsOf(parts, dailyBins);
  const to = tidelineStateOffsets(dailyBins);
  const state = version === 1 ? stateFromVersion1(old, from) : old;
  const out = new Float64Array(to.LENGTH);
  for (const [name, size] of parts) {
    const slots = size === 'dailyBins' ? 2 * dailyBins : size;
    out.set(state.subarray(from[name], from[name] + slots), to[name]);
  }
  return out;
}

const {
  N,
  LAST_T,
  FIRST_T,
  SUPPRESS,
  MAE0,
  MAE1,
  MAE2,
  MAE_SLOW,
  DRIFT,
  FIRE_R,
  K,
  LAST_PRED,
  LAST_SIGMA,
  LAST_R1,
  LAST_R2,
  LAST_Z,
  LAST_X,
  LAST_SCORE,
  LAST_ALERT,
  LAST_CUSUM_WINS,
  MIN_X,
  MAX_X,
  MAD_TOTAL,
  LAST_EXTREME,
  LAST_R,
  DRIFT_SLOW,
  SLOW_TREND,
  RESOLUTION,
  RESOLUTION_SEEN,
  L0,
  L1,
  L2,
  SLOW,
  NORM1,
  NORM2,
  NORM3,
  LIFE,
  EW,
  TREND,
  CUSUM,
  LIKE,
  SKETCH,
  DAILY,
} = tidelineStateOffsets(DEFAULTS.dailyBins);
/** End of the part of the state that every point reads and writes (header, levels, normalisers, moments, trend). */
const HOT_END = CUSUM;
/**
 * Offsets of the parts in {@link TidelineDetector.state} (from {@link TIDELINE_STATE_PARTS}), for tests and
 * debugging; the weekly profile starts at `DAILY + 2 · dailyBins`. Not an API: the layout changes with the state
 * version.
 * @internal
 */
export const TIDELINE_STATE_LAYOUT = Object.freeze({
  N,
  SUPPRESS,
  DRIFT,
  DRIFT_SLOW,
  K,
  SLOW_TREND,
  LAST_Z,
  LAST_R1,
  LAST_ALERT,
  L0,
  L1,
  L2,
  SLOW,
  NORM1,
  NORM2,
  NORM3,
  HOT_END,
  DAILY,
});

/**
 * What a new series of a metric can start from instead of from nothing: what the metric's other series learned is
 * usual for it (the tail references of the three detectors' normalised statistics, which are scale-free), and how
 * many points of experience that is worth. See {@link TidelineDetector.applyPrior} and `FleetPrior`.
 */
export interface DetectorPrior {
  /** Points of experience the prior stands for (shortens the warm-up doubt). */
  points: number;
  /** Tail references of the point, drift and slow-drift statistics. */
  q1: number;
  q2: number;
  q3: number;
}
/** Where the software prefetch in scoreAndLearn stores its sum (see there). */
const PREFETCH_SINK = new Float64Array(1);
// Inputs of the level and normaliser updates in scoreAndLearn, so that their loops index arrays instead of branching
// on the index (scratch: written and read within one call).
const LEVEL_INPUT = new Float64Array(4);
const LEARN_U = new Float64Array(3);
const LEARN_CAP = new Float64Array(3);

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
  /** Offset of the prior. */
  prior: number;
  /** Offset of the burst memory. */
  burst: number;
  /** The model's two-sided `modelTail` quantile of |z| (0: calibration off); an outlier is a point beyond it. */
  zTail: number;
  /** Reciprocals of the model floors of the three statistics' references (0: calibration off), see `modelTail`. */
  invFloor1: number;
  invFloor2: number;
  invFloor3: number;
  /** 1/√warmUpSpan. */
  invSqrtSpan: number;
  /** Spreads of the drift and slow-drift statistics under the model (exponentially weighted means of N(0, 1)). */
  driftSd: number;
  slowDriftSd: number;
}

const PARTS = new WeakMap<object, Parts>();

function partsFor(o: Required<TidelineDetectorOptions>): Parts {
  let parts = PARTS.get(o);
  if (parts === undefined) {
    const at = tidelineStateOffsets(o.dailyBins);
    const zTail = o.modelTail > 0 ? normalQuantile(1 - o.modelTail / 2) : 0;
    // An exponentially weighted mean of independent standard normal values has variance α/(2 − α).
    const ewSd = (alpha: number) => Math.sqrt(alpha / (2 - alpha));
    parts = {
      size: at.LENGTH,
      prior: at.PRIOR,
      burst: at.BURST,
      zTail,
      invFloor1: zTail > 0 ? 1 / zTail : 0,
      invFloor2: zTail > 0 && o.driftWeight > 0 ? 1 / (zTail * ewSd(o.driftAlpha) * o.driftWeight) : 0,
      invFloor3: zTail > 0 && o.slowDriftAlpha > 0 ? 1 / (zTail * ewSd(o.slowDriftAlpha)) : 0,
      invSqrtSpan: o.warmUpSpan > 0 ? 1 / Math.sqrt(o.warmUpSpan) : 0,
      driftSd: ewSd(o.driftAlpha),
      slowDriftSd: ewSd(o.slowDriftAlpha),
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
      weekly: new SeasonalProfile(WEEK, WEEKLY_BINS, o.seasonAlpha, at.WEEKLY),
      extremeDecay: Math.pow(0.5, 1 / o.extremeHalfLife),
    };
    PARTS.set(o, parts);
  }
  return parts;
}

/**
 * Tideline's streaming per-series baseline and anomaly detector. Each point is scored against what was learned
 * *before* it, then learned. All state is one `Float64Array` (7,224 bytes with the defaults; see
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
 * start of an anomaly once); a shift that persists is followed by the levels and stops alerting once it is usual
 * for the series (optionally it is adopted at once, `adoptDrift`).
 *
 * Calibration and warm-up: a statistic alerts only when it is also beyond its 1 − `modelTail` quantile under the
 * model (Gaussian one-step errors of the robust spread), and `explain().tailProbability` is that evidence; for a series
 * whose outliers recur, an outlier's evidence is its tail probability under the mixture of the noise and the bursts
 * seen (the burst memory, `burstRateAlpha`), so a burst of a usual size does not alert; during the
 * first `warmUpSpan` points the surprise is divided and the band widened (less so after {@link applyPrior} of a fleet
 * prior), so only extreme deviations alert while the model is still unsure.
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
      tailProbability: 1,
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
    const parts = partsFor(o);
    this.state = new Float64Array(parts.size);
    this.p = parts;
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
    // The two bins around t of each profile (SeasonalProfile.valueAt/updateAt), interpolation weights 1 − f and f.
    const di = dPos | 0;
    const df = dPos - di;
    const dm = DAILY + 2 * di;
    const dn = DAILY + 2 * (di + 1 === o.dailyBins ? 0 : di + 1);
    const wi = wPos | 0;
    const wf = wPos - wi;
    const wm = p.weekly.offset + 2 * wi;
    const wn = p.weekly.offset + 2 * (wi + 1 === WEEKLY_BINS ? 0 : wi + 1);
    // Software prefetch. With many series the state of a series has left the CPU caches by the time its next point
    // arrives, and every point reads ~10 cache lines of it: the first HOT_END numbers (header, levels, normalisers,
    // moments, trend) and two bins of each profile. Loading one number of each line here, before any arithmetic, lets
    // the CPU fetch them all at once instead of one after another as the code below reaches them (measured: 1.3–1.4×
    // the points per second over 10,000 series; no change for one series). The sum is stored so that the loads
    // cannot be optimised away.
    let touch = s[dm]! + s[dn]! + s[wm]! + s[wn]!;
    for (let i = 8; i < HOT_END; i += 8) touch += s[i]!;
    PREFETCH_SINK[0] = touch;
    // The rest of this method is one function on purpose: the parts' per-point arithmetic (RobustLevel.update,
    // SeasonalProfile.valueAt/updateAt, TailNormaliser.score/learn) is written out here, with the same operations in
    // the same order, because calling them exceeds V8's inlining budget (at most 920 bytes of bytecode inlined into
    // one function) and the calls cost 10–20% of the time per point. `tideline-detector.spec.ts` checks that the
    // written-out parts follow the classes bit for bit.
    // The quantile sketch, trend line and lifetime moments do not take part in scoring: learning them first lets
    // their memory loads overlap with the rest. The sketch learns every 4th point (a systematic 25% sample, plenty
    // for p50/p95/p99; counts are relative, so no reweighting is needed), which keeps its bucket's cache line off
    // three points in four.
    if ((n & 3) === 0) p.sketch.update(s, x);
    RunningMoments.updateAt(s, LIFE, x);
    p.ew.update(s, x);
    p.segment.update(s, t, x);
    // SeasonalProfile.valueAt of both profiles.
    const dw0 = s[dm + 1]!;
    const dw1 = s[dn + 1]!;
    const dv = dw0 > 0 && dw1 > 0 ? (1 - df) * s[dm]! + df * s[dn]! : dw0 > 0 ? s[dm]! : dw1 > 0 ? s[dn]! : 0;
    const ww0 = s[wm + 1]!;
    const ww1 = s[wn + 1]!;
    const wv = ww0 > 0 && ww1 > 0 ? (1 - wf) * s[wm]! + wf * s[wn]! : ww0 > 0 ? s[wm]! : ww1 > 0 ? s[wn]! : 0;
    const p0 = s[L0 + 1]!;
    const p1 = s[L1 + 1]! + dv;
    const p2 = s[L2 + 1]! + wv;
    // Seasonality is used only when its one-step errors clearly beat the simpler predictor's.
    let k = 0;
    let pred = p0;
    let mae = s[MAE0]!;
    let sigma = SQRT_HALF_PI * s[L0 + 2]!;
    // Hysteresis: a seasonal predictor must beat the simpler one by the margin to be adopted, and is kept while it
    // is at least as good, so a random series does not flip into seasonality on a lucky stretch.
    const prevK = s[K]!;
    if (span > 2 * DAY && s[MAE1]! < (prevK >= 1 ? 1 : o.seasonMargin) * mae) {
      k = 1;
      pred = p1;
      mae = s[MAE1]!;
      sigma = SQRT_HALF_PI * s[L1 + 2]!;
    }
    if (span > 2 * WEEK && s[MAE2]! < (prevK === 2 ? 1 : o.seasonMargin) * mae) {
      k = 2;
      pred = p2;
      sigma = SQRT_HALF_PI * s[L2 + 2]!;
    }
    s[K] = k;
    const slowTrend = s[SLOW_TREND]!;
    const slowLevel = s[SLOW + 1]! + slowTrend;
    const floor = 1e-9 + 1e-4 * Math.abs(slowLevel);
    // Detector 1: this point against the one-step prediction, plus CUSUM of those residuals.
    const z = (x - pred) / (sigma + floor);
    const cs = o.cusumH < 1e9 ? p.cusum.update(s, z > 4 ? 4 : z < -4 ? -4 : z) : 0;
    const az = z < 0 ? -z : z;
    const uc = (cs / o.cusumH) * 4;
    const u1 = uc > az ? uc : az;
    // An outlier of a series whose outliers recur is judged under the mixture of its noise and its bursts (see
    // burstMixtureZ; rare, so out of line): zb is its evidence, az unless the burst memory knows bursts like it.
    const zb =
      az >= p.zTail && o.burstRateAlpha > 0 && n >= o.warmUpPoints ? burstMixtureZ(s, p.burst, n, x - pred, az, o) : az;
    // Detector 2: smoothed deviation from the slow (seasonal) baseline.
    const seasonK = k === 0 ? 0 : k === 1 ? dv : wv;
    const eSlow = x - slowLevel - seasonK;
    const maeSlow = s[MAE_SLOW]!;
    let zs = eSlow / (SQRT_HALF_PI * maeSlow + floor);
    const q = s[RESOLUTION]!;
    if (maeSlow < o.quantisedBelow * q && s[RESOLUTION_SEEN]! >= RESOLUTION_ESTABLISHED) {
      zs = quantisedZ(eSlow, maeSlow, q, floor);
    }
    const zsc = zs > 4 ? 4 : zs < -4 ? -4 : zs;
    const drift = s[DRIFT]! + o.driftAlpha * (zsc - s[DRIFT]!);
    s[DRIFT] = drift;
    const u2 = (drift < 0 ? -drift : drift) * o.driftWeight;

    const warm = n < o.warmUpPoints;
    if (n === o.warmUpPoints) {
      p.norm1.reset(s);
      p.norm2.reset(s);
      p.norm3.reset(s);
      if (s[p.prior]! > 0) {
        // A new series of a metric the fleet knows: its normalisers start from what is usual for the metric.
        s[NORM1] = s[p.prior + 1]!;
        s[NORM2] = s[p.prior + 2]!;
        s[NORM3] = s[p.prior + 3]!;
      }
    }
    // TailNormaliser.score: u / max(q, kappa·M).
    const kappa = p.norm1.kappa; // the same for the three normalisers
    const ref1 = s[NORM1]! > kappa * s[NORM1 + 1]! ? s[NORM1]! : kappa * s[NORM1 + 1]!;
    const r1 = ref1 > 0 ? u1 / ref1 : 0;
    const ref2 = s[NORM2]! > kappa * s[NORM2 + 1]! ? s[NORM2]! : kappa * s[NORM2 + 1]!;
    let r2 = ref2 > 0 ? u2 / ref2 : 0;
    const r2own = r2;
    let u3 = 0;
    let r3 = 0;
    if (o.slowDriftAlpha > 0) {
      const d3 = s[DRIFT_SLOW]! + o.slowDriftAlpha * (zsc - s[DRIFT_SLOW]!);
      s[DRIFT_SLOW] = d3;
      u3 = d3 < 0 ? -d3 : d3;
      const ref3 = s[NORM3]! > kappa * s[NORM3 + 1]! ? s[NORM3]! : kappa * s[NORM3 + 1]!;
      r3 = ref3 > 0 ? u3 / ref3 : 0;
      if (r3 > r2) r2 = r3;
    }
    // Calibration (`modelTail`): no reference below the statistic's tail quantile under the Gaussian model, so a
    // statistic alerts only when it is also improbable under the model. The per-series ratios r1 and r2 are kept
    // (they say which detector explains the point); the calibrated ones decide.
    let c1 = r1;
    let c2 = r2;
    if (p.invFloor1 > 0) {
      const m1 = (zb < az ? (uc > zb ? uc : zb) : u1) * p.invFloor1;
      if (m1 < c1) c1 = m1;
      const m2 = u2 * p.invFloor2;
      c2 = r2own < m2 ? r2own : m2;
      if (o.slowDriftAlpha > 0) {
        const m3 = u3 * p.invFloor3;
        const c3 = r3 < m3 ? r3 : m3;
        if (c3 > c2) c2 = c3;
      }
    }
    let r = c1 > c2 ? c1 : c2;
    let extreme = 0;
    if (o.likelihoodZ > 0 && !warm) {
      // Anomaly likelihood of the normalised surprise: a burst of moderately unusual points.
      const zl = p.like.update(s, r / (r + 1));
      const rl = zl / o.likelihoodZ;
      if (rl > r) r = rl;
    }
    const lo = s[MIN_X]!;
    const hi = s[MAX_X]!;
    if (o.extremeTolerance > 0 && hi > lo && n >= o.extremeAfter) {
      // Beyond the range by a fraction of it, and (calibration) by at least `extremeSpread` one-step spreads: the
      // record-breaking points of pure noise exceed the old record by a fraction of a spread.
      const rangeTol = o.extremeTolerance * (hi - lo);
      const spreadTol = o.extremeSpread * sigma;
      const tol = rangeTol > spreadTol ? rangeTol : spreadTol;
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
    // Warm-up doubt: in a series' first points (fewer when it started from a fleet prior) what was learned is still
    // uncertain, so the surprise counts for less and the band is wider; only an extreme deviation alerts.
    // (The prior sits at the end of the state, in a cache line the later points do not need to load.)
    let doubt = 1;
    if (n < o.warmUpSpan) {
      const seen = n + s[p.prior]!;
      if (seen < o.warmUpSpan) doubt = 1 + o.warmUpWidth * (1 / Math.sqrt(seen) - p.invSqrtSpan);
      r /= doubt;
    }
    let score = warm ? 0 : r / (r + 1);

    let suppress = s[SUPPRESS]!;
    let adopted = false;
    if (suppress > 0) {
      suppress -= 1;
      if (suppress === 0 && (drift > o.adoptDrift || drift < -o.adoptDrift)) {
        // Still far from the slow baseline when the alert's quiet period ends: a genuine level shift.
        p.slow.reset(s, k === 0 ? p.l0.level(s) : k === 1 ? p.l1.level(s) : p.l2.level(s));
        s[SLOW_TREND] = 0;
        s[DRIFT] = 0;
        adopted = true;
      }
    }
    let alert = false;
    // Size of the deviation behind the alert: the point's own, or the smoothed one for the drift detector.
    const dev = c1 >= c2 ? Math.abs(x - pred) : (drift < 0 ? -drift : drift) * SQRT_HALF_PI * maeSlow;
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
    // TailNormaliser.learn of each: the tail quantile steps up or down; the recent maximum decays, and rises to u
    // (at most to `cap`).
    const cap = alert ? o.maxStep : Infinity;
    const learnU = LEARN_U;
    const learnCap = LEARN_CAP;
    learnU[0] = u1;
    learnU[1] = u2;
    learnU[2] = u3;
    learnCap[0] = r1 > 0 ? (cap * u1) / r1 : Infinity;
    learnCap[1] = r2own > 0 ? (cap * u2) / r2own : Infinity;
    learnCap[2] = r3 > 0 ? (cap * u3) / r3 : Infinity;
    for (let j = 0, at = NORM1; j < (o.slowDriftAlpha > 0 ? 3 : 2); j++, at += TailNormaliser.SIZE) {
      const u = learnU[j]!;
      const c = learnCap[j]!;
      const q = s[at]!;
      s[at] = u > q ? q * p.norm1.up : q * p.norm1.down; // up, down and decay are the same for the three
      const m = s[at + 1]! * p.norm1.decay;
      const v = u < c ? u : c;
      s[at + 1] = v > m ? v : m;
    }
    if (o.quantisedBelow > 0) {
      // The data's resolution: the smallest change between two points so far (whole numbers: 1).
      const step = x - s[LAST_X]!;
      const change = step < 0 ? -step : step;
      if (change > 0 && (change < q || q === 0)) {
        s[RESOLUTION] = change;
        s[RESOLUTION_SEEN] = 1;
      } else if (change > 0 && change < 1.5 * q && s[RESOLUTION_SEEN]! < RESOLUTION_ESTABLISHED) {
        s[RESOLUTION_SEEN] = s[RESOLUTION_SEEN]! + 1;
      }
    }
    s[LAST_PRED] = pred;
    s[LAST_SIGMA] = (sigma + floor) * doubt;
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
    // RobustLevel.update of the four levels (side by side in the state: L0, L1, L2, SLOW). The slow level first
    // takes the trend step (Holt, error-correction form: b += β·(level correction)).
    if (!adopted) s[SLOW + 1] = slowLevel;
    const clipSigma = p.l0.clipSigma; // the same for the four levels
    const levelWarm = p.l0.warmPoints;
    const input = LEVEL_INPUT;
    input[0] = x;
    input[1] = x - dv;
    input[2] = x - wv;
    input[3] = x - seasonK;
    for (let j = 0; j < 4; j++) {
      const at = L0 + j * RobustLevel.SIZE;
      const y = input[j]!;
      const alpha = j === 3 ? o.slowAlpha : o.localAlpha;
      const count = s[at]! + 1;
      s[at] = count;
      if (count === 1) {
        s[at + 1] = y;
        continue;
      }
      const level = s[at + 1]!;
      const levelMae = s[at + 2]!;
      const e = y - level;
      const ae = e < 0 ? -e : e;
      const lim = clipSigma * levelMae;
      const early = count <= levelWarm;
      const a = early ? Math.max(alpha, 1 / count) : alpha;
      const sa2 = early ? Math.max(o.scaleAlpha, 1 / (count - 1)) : o.scaleAlpha;
      const inside = early || ae <= lim;
      s[at + 1] = level + a * (inside ? e : e > 0 ? lim : -lim);
      s[at + 2] = levelMae === 0 && !early ? ae : levelMae + sa2 * ((inside ? ae : lim) - levelMae);
    }
    s[SLOW_TREND] = o.trendBeta * (s[SLOW + 1]! - slowLevel) + slowTrend * o.trendDamping;
    // SeasonalProfile.updateAt of both profiles: the deviation from the slow level is learned by the two bins
    // around t, in proportion to the interpolation weights.
    const seasonal = x - slowLevel;
    for (let bin = 0; bin < 4; bin++) {
      const m = bin === 0 ? dm : bin === 1 ? dn : bin === 2 ? wm : wn;
      const w = bin === 0 ? 1 - df : bin === 1 ? df : bin === 2 ? 1 - wf : wf;
      if (w <= 0) continue;
      const cw = s[m + 1]! + w;
      s[m + 1] = cw;
      const a0 = w / cw;
      const aw = o.seasonAlpha * w;
      s[m] = s[m]! + (a0 > aw ? a0 : aw) * (seasonal - s[m]!);
    }
    if (cs > 2 * o.cusumH) p.cusum.reset(s);
    return score;
  }

  /** Why the last point scored what it did. Returns the same object each call: copy it to keep it. */
  explain(confidence = 0.99): AnomalyExplanation {
    const s = this.state;
    const o = this.options;
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
    let zModel = Math.abs(s[LAST_Z]!);
    if (s[p.burst + BURST_LAST_N]! === s[N]! - 1 && s[p.burst + BURST_LAST_Z]! < zModel) {
      zModel = s[p.burst + BURST_LAST_Z]!; // the last point was an outlier judged under the burst mixture
    }
    if (e.detector === 'level_shift' || e.detector === 'drift') {
      const zDrift = Math.abs(s[DRIFT]!) / p.driftSd;
      const zSlow = o.slowDriftAlpha > 0 ? Math.abs(s[DRIFT_SLOW]!) / p.slowDriftSd : 0;
      zModel = zDrift > zSlow ? zDrift : zSlow;
    }
    e.tailProbability = Math.min(1, 2 * normalTail(zModel));
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
    const version = snapshot.version;
    if (snapshot.kind !== 'tideline-detector' || !isKnownVersion(version)) {
      throw new RangeError(`unsupported detector snapshot ${String(snapshot.kind)} v${String(version)}`);
    }
    const d = new TidelineDetector({ ...optionsMissingIn(version), ...snapshot.options });
    const state = decodeLe(fromBase64(snapshot.state));
    if (state.length !== stateLengthIn(version, d.options.dailyBins)) {
      throw new RangeError('snapshot state has the wrong length');
    }
    d.state.set(version === STATE_VERSION ? state : convertLayout(state, version, d.options.dailyBins));
    return d;
  }

  /**
   * Starts this new series from a fleet prior (see `FleetPrior`): its normalisers begin at what is usual for the
   * metric instead of at generic references, and its warm-up doubt is shorter by the prior's points. Only before the
   * warm-up ends (a series that has learned its own references keeps them); returns whether the prior was applied.
   */
  applyPrior(prior: DetectorPrior): boolean {
    const s = this.state;
    const ok = [prior.points, prior.q1, prior.q2, prior.q3].every((v) => Number.isFinite(v) && v > 0);
    if (!ok || s[N]! > this.options.warmUpPoints) return false;
    const at = this.p.prior;
    s[at] = prior.points;
    s[at + 1] = prior.q1;
    s[at + 2] = prior.q2;
    s[at + 3] = prior.q3;
    return true;
  }

  /**
   * What this series can teach a fleet prior for its metric: its normalisers' tail references, once it has seen at
   * least `warmUpSpan` points of its own (undefined before). Allocates.
   */
  priorSample(): DetectorPrior | undefined {
    const s = this.state;
    if (s[N]! < Math.max(this.options.warmUpSpan, this.options.warmUpPoints + 1)) return undefined;
    return { points: s[N]!, q1: s[NORM1]!, q2: s[NORM2]!, q3: s[NORM3]! };
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
    const version = f[0]!;
    if (!isKnownVersion(version)) {
      throw new RangeError(`unsupported detector bytes version ${String(version)}`);
    }
    // Older versions wrote the options they had, in the order of today's keys.
    const missing = optionsMissingIn(version);
    const keys = OPTION_KEYS.filter((key) => !(key in missing));
    const nOpt = f[1]!;
    if (nOpt !== keys.length) throw new RangeError('detector bytes have an unknown option layout');
    const options: TidelineDetectorOptions = { ...missing };
    keys.forEach((key, i) => (options[key] = f[2 + i]!));
    const d = new TidelineDetector(options);
    const head = 2 + nOpt + 1;
    const length = stateLengthIn(version, d.options.dailyBins);
    if (f[head - 1] !== length || f.length !== head + length) {
      throw new RangeError('detector bytes have the wrong state length');
    }
    const state = f.subarray(head);
    d.state.set(version === STATE_VERSION ? state : convertLayout(state, version, d.options.dailyBins));
    return d;
  }
}

function isKnownVersion(version: number): version is 1 | 2 | 3 | 4 | 5 {
  return version === 1 || version === 2 || version === 3 || version === 4 || version === STATE_VERSION;
}

/**
 * The options a state version did not have, at the values that keep its detectors continuing as they would have
 * (their features off).
 */
function optionsMissingIn(version: number): Partial<Record<keyof TidelineDetectorOptions, number>> {
  return {
    ...(version < 3 ? BEFORE_VERSION_3 : {}),
    ...(version < 4 ? BEFORE_VERSION_4 : {}),
    ...(version < 5 ? BEFORE_VERSION_5 : {}),
  };
}

/** Length of the state a version wrote (with `dailyBins` daily bins). */
function stateLengthIn(version: 1 | 2 | 3 | 4 | 5, dailyBins: number): number {
  return offsetsOf(version === STATE_VERSION ? TIDELINE_STATE_PARTS : LAYOUTS[version], dailyBins).LENGTH;
}

/**
 * Changes of about one quantum (less than 1.5 quanta) seen before the resolution is trusted: a constant series that
 * steps once has a "resolution" of its step, which says nothing about rounding.
 */
const RESOLUTION_ESTABLISHED = 20;

/**
 * The standardised deviation `e` of a quantised near-constant series (see `quantisedBelow`): its mean absolute
 * deviation `mae` is below a fraction of its resolution `q`, so most deviations are exactly 0 and 1.25 × `mae` reads the
 * spread far too small (round(10 + 0.3·N(0, 1)): MAE 0.095, σ 0.3). If the unrounded value were Gaussian with spread σ,
 * it would leave its level by a quantum with probability 2Φ(−q/(2σ)), so MAE ≈ 2qΦ(−q/(2σ)), i.e.
 * σ = q / (2 Φ⁻¹(1 − MAE/(2q))); an observed deviation `e` means at least |e| − q/2 before rounding (continuity
 * correction). O(1); only for such series.
 */
function quantisedZ(e: number, mae: number, q: number, floor: number): number {
  const spread = q / (2 * normalQuantile(1 - mae / (2 * q)));
  const ae = e < 0 ? -e : e;
  const beyond = ae > q / 2 ? ae - q / 2 : 0;
  return (e < 0 ? -beyond : beyond) / (spread + floor);
}

/** Smoothing of the bursts' log-size mean and spread, per burst (about the last 20 bursts). */
const BURST_SIZE_ALPHA = 0.05;

/**
 * The burst memory of {@link TidelineDetector} (`burstRateAlpha`): judges the outlier at point `n` (deviation `dev`
 * from its prediction, `az` spreads) under the mixture of the series' Gaussian noise and its bursts, then learns it.
 * The mixture's two-sided tail is 2·Q(az) + rate · Q((ln|dev| − μ)/s), with the outlier rate and the bursts' log-size
 * mean μ and spread s learned from the earlier outliers; returns the z whose Gaussian tail is that probability (az
 * itself until `burstMin` outliers were seen). The rate decays between outliers by (1 − α) per point, so it is
 * brought up to date only here.
 */
function burstMixtureZ(
  s: Float64Array,
  at: number,
  n: number,
  dev: number,
  az: number,
  o: Required<TidelineDetectorOptions>,
): number {
  const size = Math.log(dev < 0 ? -dev : dev);
  const count = s[at + BURST_COUNT]!;
  const rate = count > 0 ? s[at + BURST_RATE]! * Math.pow(1 - o.burstRateAlpha, n - s[at + BURST_AT]!) : 0;
  const mean = s[at + BURST_LOG_MEAN]!;
  const mad = s[at + BURST_LOG_MAD]!;
  let z = az;
  if (count >= o.burstMin) {
    const spread = SQRT_HALF_PI * mad > o.burstSpreadFloor ? SQRT_HALF_PI * mad : o.burstSpreadFloor;
    const tail = 2 * normalTail(az) + rate * normalTail((size - mean) / spread);
    const zMix = -normalQuantile(tail / 2);
    if (zMix < z) z = zMix;
  }
  s[at + BURST_LAST_Z] = z;
  s[at + BURST_LAST_N] = n;
  s[at + BURST_RATE] = rate + o.burstRateAlpha * (1 - rate);
  s[at + BURST_AT] = n;
  s[at + BURST_COUNT] = count + 1;
  if (count === 0) {
    s[at + BURST_LOG_MEAN] = size;
  } else {
    const w = 1 / (count + 1) > BURST_SIZE_ALPHA ? 1 / (count + 1) : BURST_SIZE_ALPHA;
    const e = size - mean;
    s[at + BURST_LOG_MEAN] = mean + w * e;
    s[at + BURST_LOG_MAD] = mad + w * ((e < 0 ? -e : e) - mad);
  }
  return z;
}

/**
 * Version 1 of the state kept the (by default unused) CUSUM and anomaly-likelihood numbers between the levels and the
 * normalisers; version 2 moved them behind the trend so that the numbers every point reads are contiguous (fewer
 * cache lines per point). Everything else is where it was. Returns the state in the layout of version 2 (`v2`: its
 * offsets).
 */
function stateFromVersion1(v1: Float64Array, v2: Readonly<Record<StatePart, number>>): Float64Array {
  const out = Float64Array.from(v1);
  const V1_CUSUM = v2.SLOW + RobustLevel.SIZE;
  const V1_NORM1 = V1_CUSUM + Cusum.SIZE;
  const V1_LIKE = V1_NORM1 + 3 * TailNormaliser.SIZE;
  const V1_LIFE = V1_LIKE + AnomalyLikelihood.SIZE; // then EW and TREND, in the same order as now
  out.set(v1.subarray(V1_CUSUM, V1_CUSUM + Cusum.SIZE), v2.CUSUM);
  out.set(v1.subarray(V1_NORM1, V1_LIKE), v2.NORM1);
  out.set(v1.subarray(V1_LIKE, V1_LIFE), v2.LIKE);
  out.set(v1.subarray(V1_LIFE, V1_LIFE + RunningMoments.SIZE + EwMoments.SIZE + SegmentTrend.SIZE), v2.LIFE);
  return out;
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
