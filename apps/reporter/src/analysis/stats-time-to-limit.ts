import { TidelineDetector, timeUntilLimit } from '@tideline/stats';
import type { TimeToLimitInput, TimeToLimitProjector, TimeToLimitRange } from './time-to-limit';

/**
 * The projector of libs/stats: the series' buckets are learned by a `TidelineDetector`, whose segment trend
 * follows the current fill of a sawtooth series (a disk that is cleaned up is projected on its current fill), and
 * `timeUntilLimit` turns the fit into a p50/p90 range. Times are re-based from the last bucket to the report's end.
 */
export class StatsTimeToLimit implements TimeToLimitProjector {
  project(input: TimeToLimitInput): TimeToLimitRange | undefined {
    const detector = new TidelineDetector();
    let lastT = Number.NaN;
    let lastV = Number.NaN;
    for (let i = 0; i < input.values.length; i++) {
      const v = input.values[i]!;
      if (!Number.isFinite(v)) continue;
      lastT = input.times[i]!;
      lastV = v;
      detector.scoreAndLearn(lastT, v);
    }
    if (!Number.isFinite(lastT)) return undefined;
    const fit = detector.trend();
    const current = Number.isFinite(fit.level) ? fit.level : lastV;
    const method = 'segment trend + inverse prediction (libs/stats timeUntilLimit)';
    const r = timeUntilLimit(detector, input.limit);
    if (!r) return { p50Ms: Infinity, p90Ms: Infinity, current, slopePerMs: fit.slope, method };
    return {
      p50Ms: Math.max(0, r.p50AtMs - input.nowMs),
      p90Ms: Math.max(0, r.p90AtMs - input.nowMs),
      current,
      slopePerMs: fit.slope,
      method,
    };
  }
}
