import type { PointScorer } from './point-scorer';
import { TidelineDetector, type TidelineDetectorOptions } from './tideline-detector';

/**
 * Creates the default Tideline detector for one series: the one configuration used for every series and for the
 * NAB evaluation. Method: see {@link TidelineDetector} (robust seasonal baselines, per-series normalised
 * deviation/drift/new-extreme detectors, alert suppression).
 *
 * Complexity: O(1) per point; ≈ 7 KB of state per series.
 *
 * @example
 * ```ts
 * const scorer = createTidelineDetector();
 * const score = scorer.scoreAndLearn(Date.UTC(2024, 0, 1), 42); // in [0, 1]
 * ```
 */
export function createTidelineDetector(options: TidelineDetectorOptions = {}): PointScorer {
  return new TidelineDetector(options);
}
