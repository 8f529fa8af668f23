import { baselinePointsOf, decodeBaselineRecord, encodeSeriesNames, type BaselinePoint } from '@tideline/contracts';
import type { BaselineOutput } from '../baseline-model/baseline.processor';

/**
 * A batch's judged points as the baselines topic carries them: encoded as the service publishes them, decoded as the
 * anomaly service reads them, per series in stream order. Throws when a record would be dead-lettered.
 */
export function publishedPoints(out: BaselineOutput): BaselinePoint[] {
  const points: BaselinePoint[] = [];
  for (const [entry, columns] of out.judged)
    for (const bytes of columns.encode(encodeSeriesNames(entry))) {
      const decoded = decodeBaselineRecord(bytes);
      if (!decoded.ok) throw new Error(`a published record would be dead-lettered: ${decoded.error.message}`);
      points.push(...baselinePointsOf(decoded.value));
    }
  return points;
}
