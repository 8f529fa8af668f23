import {
  ALERT_EVENT_SCHEMA,
  METRIC_EVENT_SCHEMA,
  seriesKey,
  type AlertEvent,
  type BaselinePoint,
  type MetricEvent,
} from '@tideline/contracts';

/** A fixed instant (2026-01-01T00:00:00Z) so fixtures are deterministic; pass `ts` to override. */
export const FIXTURE_EPOCH_MS = Date.UTC(2026, 0, 1);

/** A valid metric event; override any field. */
export function makeMetricEvent(overrides: Partial<MetricEvent> = {}): MetricEvent {
  return {
    schema: METRIC_EVENT_SCHEMA,
    metric: 'cpu.total',
    host: 'web-1',
    value: 42.5,
    ts: FIXTURE_EPOCH_MS,
    tags: { region: 'eu' },
    ...overrides,
  };
}

/**
 * `count` valid metric events of one series, `stepMs` apart from `startMs`, with values from `valueAt(i)`
 * (default a gentle sine).
 */
export function makeMetricEvents(
  count: number,
  options: {
    readonly startMs?: number;
    readonly stepMs?: number;
    readonly valueAt?: (index: number) => number;
    readonly template?: Partial<MetricEvent>;
  } = {},
): MetricEvent[] {
  const startMs = options.startMs ?? FIXTURE_EPOCH_MS;
  const stepMs = options.stepMs ?? 10_000;
  const valueAt = options.valueAt ?? ((i: number) => 50 + 10 * Math.sin(i / 10));
  return Array.from({ length: count }, (_, i) =>
    makeMetricEvent({ ...options.template, ts: startMs + i * stepMs, value: valueAt(i) }),
  );
}

/** A point as the baseline service judged it; override any field. */
export function makeBaselinePoint(overrides: Partial<BaselinePoint> = {}): BaselinePoint {
  const event = makeMetricEvent();
  return {
    series: seriesKey(event),
    host: event.host,
    metric: event.metric,
    tags: { ...event.tags },
    ts: FIXTURE_EPOCH_MS,
    value: 52,
    expected: 50,
    lower: 40,
    upper: 60,
    score: 0.05,
    detector: 'none',
    ready: true,
    evidence: { deviation: 0.1, seasonality: 'none', observations: 100 },
    ...overrides,
  };
}

/** A valid alert event; override any field. */
export function makeAlertEvent(overrides: Partial<AlertEvent> = {}): AlertEvent {
  const event = makeMetricEvent();
  return {
    schema: ALERT_EVENT_SCHEMA,
    id: `${seriesKey(event)}@${FIXTURE_EPOCH_MS}`,
    series: seriesKey(event),
    host: event.host,
    metric: event.metric,
    tags: event.tags,
    state: 'firing',
    value: 95,
    expected: 50,
    lower: 40,
    upper: 60,
    score: 0.99,
    severity: 'critical',
    detector: 'band',
    startedAt: FIXTURE_EPOCH_MS,
    updatedAt: FIXTURE_EPOCH_MS,
    influxql: `SELECT "value" FROM "points" WHERE "series" = '${seriesKey(event)}'`,
    ...overrides,
  };
}
