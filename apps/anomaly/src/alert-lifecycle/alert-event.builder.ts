import { ALERT_EVENT_SCHEMA, MEASUREMENTS, type AlertEvent, type AlertState, type Severity } from '@tideline/contracts';
import type { Incident } from './alert-lifecycle.state';

/** How far before the incident and after its last update the alert's InfluxQL query looks. */
const QUERY_MARGIN_MS = 60 * 60 * 1000;

export interface AlertEventInput {
  readonly series: string;
  readonly host: string;
  readonly metric: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly state: AlertState;
  readonly incident: Incident;
  /** The point that caused the transition, with the band it was judged against. */
  readonly ts: number;
  readonly value: number;
  readonly score: number;
  readonly expected: number;
  readonly lower: number;
  readonly upper: number;
  readonly criticalScore: number;
}

/** Builds the versioned alert event of one lifecycle transition. */
export function buildAlertEvent(input: AlertEventInput): AlertEvent {
  const { incident } = input;
  const severity: Severity = incident.peakScore >= input.criticalScore ? 'critical' : 'warning';
  const event: AlertEvent = {
    schema: ALERT_EVENT_SCHEMA,
    id: incident.id,
    series: input.series,
    host: input.host,
    metric: input.metric,
    tags: { ...input.tags },
    state: input.state,
    value: input.value,
    expected: input.expected,
    lower: input.lower,
    upper: input.upper,
    score: input.score,
    severity,
    detector: incident.detector,
    startedAt: incident.startedAt,
    updatedAt: input.ts,
    influxql: alertInfluxQl(input.series, incident.startedAt - QUERY_MARGIN_MS, input.ts + QUERY_MARGIN_MS),
  };
  if (input.state === 'resolved' && incident.resolvedAt !== null) event.resolvedAt = incident.resolvedAt;
  return event;
}

/**
 * An InfluxQL query that shows the series' points, baseline band and scores around an alert: paste it into the
 * `influx` shell (or a dashboard) against Tideline's database.
 */
export function alertInfluxQl(series: string, fromMs: number, toMs: number): string {
  const m = MEASUREMENTS;
  return (
    `SELECT "value", "expected", "lower", "upper", "score" FROM "${m.points}", "${m.baseline}", "${m.anomalyScores}" ` +
    `WHERE "series" = '${escapeInfluxQlString(series)}' AND time >= ${Math.floor(fromMs)}ms AND time <= ${Math.ceil(toMs)}ms`
  );
}

/** Escapes a value for a single-quoted InfluxQL string literal. */
export function escapeInfluxQlString(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}
