import { resolveSensitivity, type Sensitivity } from './resolve-sensitivity';
import type { SeriesModelFactory } from './series-model';
import { createTidelineSeriesModelFactory } from './tideline-series-model';

/**
 * The model every series gets; its band is drawn at the confidence of the alerting sensitivity. The baseline service
 * writes checkpoints of the same kind, so the anomaly service can start a series it has never seen from them.
 */
export function createSeriesModelFactory(sensitivity: Sensitivity = 'medium'): SeriesModelFactory {
  return createTidelineSeriesModelFactory(resolveSensitivity(sensitivity).bandConfidence);
}
