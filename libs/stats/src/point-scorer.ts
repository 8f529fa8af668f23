/**
 * The streaming contract every detector in this library honours: a point is scored *before* the model learns it,
 * time arrives with the point (epoch milliseconds), and the score is in [0, 1] (1 = certainly anomalous).
 * `TidelineDetector` and the peers it is compared with implement it; the NAB evaluation and the benchmarks drive
 * them through it. The services do not: the baseline service runs the one model through the `SeriesModel` adapter
 * (band, idempotent learning, snapshots; made by `createSeriesModelFactory`), and the anomaly service runs no model
 * (it decides on the baseline service's verdicts).
 */
export interface PointScorer {
  /** Scores `value` at `timestampMs` against what was learned so far, then learns from it. */
  scoreAndLearn(timestampMs: number, value: number): number;
}
