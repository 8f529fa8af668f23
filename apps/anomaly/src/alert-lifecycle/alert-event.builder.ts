import {
  ALERT_EVENT_SCHEMA,
  MEASUREMENTS,
  type AlertEvent,
  type AlertState,
  type BaselinePoint,
  type Severity,
} from '@tideline/contracts';
import { explainAlert } from './alert-explanation';
import type { AlertLifecyclePolicy } from './alert-lifecycle.policy';
import { incidentSeverity } from './alert-lifecycle.processor';
import type { Incident } from './alert-lifecycle.state';

/** How far before the incident and after its last update the alert's InfluxQL query looks. */
const QUERY_MARGIN_MS = 60 * 60 * 1000;

export interface AlertEventInput {
  /** The point that caused the transition, with the band it was judged against. */
  readonly point: BaselinePoint;
  readonly state: AlertState;
  readonly incident: Incident;
  readonly policy: AlertLifecyclePolicy;
}

/** Builds the versioned alert event of one lifecycle transition; its band is the point's stored band. */
export function buildAlertEvent(input: AlertEventInput): AlertEvent {
  const { incident, point } = input;
  const event: AlertEvent = {
    schema: ALERT_EVENT_SCHEMA,
    id: incident.id,
    series: point.series,
    host: point.host,
    metric: point.metric,
    tags: { ...point.tags },
    state: input.state,
    value: point.value,
    expected: point.expected,
    lower: point.lower,
    upper: point.upper,
    score: point.score,
    severity: severityOf(incident, input.policy),
    detector: incident.detector,
    startedAt: incident.startedAt,
    updatedAt: point.ts,
    influxql: alertInfluxQl(point.series, incident.startedAt - QUERY_MARGIN_MS, point.ts + QUERY_MARGIN_MS),
    explanation: explainAlert(input.state, incident.detector, point, input.policy.alert),
  };
  if (input.state === 'resolved' && incident.resolvedAt !== null) event.resolvedAt = incident.resolvedAt;
  if (point.evidence.tailProbability !== undefined) event.tailProbability = point.evidence.tailProbability;
  return event;
}

/**
 * A rule's fixed severity, else the severity the incident has reached (magnitude, duration or a static limit: see
 * `criticalNow`), warning otherwise.
 */
export function severityOf(incident: Incident, policy: AlertLifecyclePolicy): Severity {
  return policy.severity !== 'auto' ? policy.severity : incidentSeverity(incident, policy);
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
