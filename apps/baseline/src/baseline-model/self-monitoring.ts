import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { ALERT_EVENT_SCHEMA, SELF_METRIC_NAMES, seriesKey, type AlertEvent } from '@tideline/contracts';

export interface CardinalityAlertInput {
  readonly service: string;
  readonly consumerGroup: string;
  /** New series refused so far by this instance. */
  readonly refused: number;
  readonly limits: { readonly maxActiveSeries: number; readonly maxSeriesPerHost: number };
  /** Processing time of the alert (its start: a self-monitoring series has no event time of its own). */
  readonly nowMs: number;
}

/**
 * The self-monitoring alert a baseline service instance raises once a series cap refuses a series: series
 * `tideline.cardinality_exceeded|host=<this host>|group=…|service=…` (the reserved `tideline.` prefix, so no user series
 * can raise or imitate it), value the series refused so far, the band [0, 0] (nothing should be refused). Its id is
 * the alert contract's: sha256(series + "\n" + startedAt), 32 hex digits.
 */
export function cardinalityAlert(input: CardinalityAlertInput): AlertEvent {
  const metric = SELF_METRIC_NAMES.cardinalityExceeded;
  const host = hostname();
  const tags = { group: input.consumerGroup, service: input.service };
  const series = seriesKey({ metric, host, tags });
  const id = createHash('sha256').update(`${series}\n${input.nowMs}`).digest('hex').slice(0, 32);
  return {
    schema: ALERT_EVENT_SCHEMA,
    id,
    series,
    host,
    metric,
    tags,
    state: 'firing',
    value: input.refused,
    expected: 0,
    lower: 0,
    upper: 0,
    score: 1,
    severity: 'critical',
    detector: 'none',
    startedAt: input.nowMs,
    updatedAt: input.nowMs,
    influxql: 'SHOW SERIES CARDINALITY',
    explanation:
      `${input.service} refuses new series: a series cap is reached (limits.maxActiveSeries ${input.limits.maxActiveSeries}` +
      ` per instance, limits.maxSeriesPerHost ${input.limits.maxSeriesPerHost}); their events go to the metrics` +
      ` dead-letter topic with reason cardinality_exceeded`,
  };
}
