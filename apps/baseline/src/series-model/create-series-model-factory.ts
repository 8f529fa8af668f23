import { createInterimSeriesModelFactory } from './interim-series-model';
import type { SeriesModelFactory } from './series-model';

/**
 * The model every series gets. The baseline service writes checkpoints of the same family, so the anomaly service
 * can start a series from them (a checkpoint of another `kind` is ignored and the series relearns).
 */
export function createSeriesModelFactory(): SeriesModelFactory {
  return createInterimSeriesModelFactory();
}
