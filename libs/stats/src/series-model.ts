import type { DetectorPrior } from './tideline-detector';

/**
 * What a series model says about one point. The point is scored against what the model learned *before* it
 * (streaming contract of libs/stats), so `expected`/`lower`/`upper` are the band the point was judged against.
 * One instance is reused for every point of a batch: the hot path allocates nothing per point.
 */
export interface PointAssessment {
  /** Anomaly score in [0, 1]; 0 while the model warms up. */
  score: number;
  expected: number;
  lower: number;
  upper: number;
  /** Which detector explains the score (`none` when nothing is unusual). */
  detector: string;
  /** Deviation in units of the series' own usual surprise (1 = as unusual as this series usually gets). */
  deviation: number;
  /** The seasonal profile the expected value came from. */
  seasonality: 'none' | 'daily' | 'weekly';
  /**
   * Evidence under the model: the two-sided tail probability of the statistic behind `detector` (the detector's
   * `explain().tailProbability`); 1 for a point that was not learned.
   */
  tailProbability: number;
  /** False while the model is warming up: its band is not yet trusted and the score is 0. */
  ready: boolean;
  /**
   * False when the point was not learned because the model has already seen a point at or after its timestamp
   * (a redelivered record, or a record the restored checkpoint already contains): learning it again would count it
   * twice. Its score is then 0 and its band the model's current prediction for its time.
   */
  learned: boolean;
}

export function emptyAssessment(): PointAssessment {
  return {
    score: 0,
    expected: 0,
    lower: 0,
    upper: 0,
    detector: 'none',
    deviation: 0,
    seasonality: 'none',
    tailProbability: 1,
    ready: false,
    learned: false,
  };
}

/**
 * One series' model as the service uses it: the adapter between the service and libs/stats, so the processors do not
 * change when the detection core does.
 */
export interface SeriesModel {
  /** Points learned so far. */
  readonly observations: number;
  /** Timestamp (epoch ms) of the latest learned point; -Infinity before the first. */
  readonly lastTs: number;
  /** Scores the point, writes the verdict into `out`, then learns the point if `ts > lastTs`. */
  assess(ts: number, value: number, out: PointAssessment): void;
  /** Versioned bytes that {@link SeriesModelFactory.restore} turns back into an equal model. */
  snapshot(): Uint8Array;
  /**
   * Starts a new series from what its metric's other series learned (a `FleetPrior`'s prior); false when the model
   * has already learned its own (or takes no prior).
   */
  applyPrior?(prior: DetectorPrior): boolean;
  /** What this series can teach its metric's fleet prior, once it has learned it (undefined before). */
  priorSample?(): DetectorPrior | undefined;
}

export interface SeriesModelFactory {
  /** Name and version of the model family; a checkpoint of another kind is not restored. */
  readonly kind: string;
  create(): SeriesModel;
  /** Throws when the bytes are not a snapshot this build can read. */
  restore(bytes: Uint8Array): SeriesModel;
}
