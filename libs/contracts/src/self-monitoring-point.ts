import type { BaselinePoint } from './baseline-point.schema';

/**
 * A judged point of one of Tideline's self-monitoring series ({@link SELF_METRIC_NAMES}) at `ts` (the processing time
 * of the instance it tells about: these series have no event time of their own): `value` against the band [0, 0],
 * score 1 (detector `limit`) when above it, else a calm point (score 0, detector `none`). The baseline service
 * publishes them; the anomaly service derives the calm ones that close the alert of an instance gone silent.
 *
 * @example selfMonitoringPoint({ series, host, metric, tags }, Date.now(), 3).score // 1
 */
export function selfMonitoringPoint(
  identity: Pick<BaselinePoint, 'series' | 'host' | 'metric' | 'tags'>,
  ts: number,
  value: number,
): BaselinePoint {
  const breaching = value > 0;
  return {
    series: identity.series,
    host: identity.host,
    metric: identity.metric,
    tags: identity.tags,
    ts,
    value,
    expected: 0,
    lower: 0,
    upper: 0,
    score: breaching ? 1 : 0,
    detector: breaching ? 'limit' : 'none',
    ready: true,
    evidence: { deviation: 0, seasonality: 'none', observations: 0 },
  };
}
