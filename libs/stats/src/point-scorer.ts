/**
 * The streaming contract every detector in this library honours: a point is scored *before* the model learns it,
 * time arrives with the point (epoch milliseconds), and the score is in [0, 1] (1 = certainly anomalous).
 * The NAB evaluation and the benchmarks drive detectors through this interface; the baseline service runs its one
 * detector through the `SeriesModel` adapter (band, idempotent learning, snapshots).
 */
export interface PointScorer {
  /** Scores `value` at `timestampMs` against what was learned so far, then learns from it. */
  scoreAndLearn(timestampMs: number, value: number): number;
}
