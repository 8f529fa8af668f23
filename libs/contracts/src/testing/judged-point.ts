import type { BaselinePoint } from '../baseline-point.schema';

/** A judged point as the baseline service publishes it (a warmed-up model, a new high, every evidence field). */
export const JUDGED_POINT: BaselinePoint = Object.freeze({
  series: 'cpu.usage_percent|host=web-1|core=0',
  host: 'web-1',
  metric: 'cpu.usage_percent',
  tags: Object.freeze({ core: '0' }),
  ts: 1_764_000_000_000,
  value: 81.4,
  expected: 79.25,
  lower: 72.3,
  upper: 86,
  score: 0.61,
  detector: 'new_high',
  ready: true,
  evidence: Object.freeze({ deviation: 1.7, seasonality: 'daily', observations: 20_160, tailProbability: 0.0021 }),
});
