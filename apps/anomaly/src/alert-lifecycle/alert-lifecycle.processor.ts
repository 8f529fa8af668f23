import { resolveSensitivity, stepAlert, type AlertState } from '@tideline/stats';
import { alertId } from './alert-id';
import type { AlertLifecyclePolicy } from './alert-lifecycle.policy';
import type { AlertLifecycleState, Incident } from './alert-lifecycle.state';

/** A point as the lifecycle sees it: its event time, value and the model's verdict. */
export interface LifecyclePoint {
  readonly ts: number;
  readonly value: number;
  readonly score: number;
  /** The band the point was judged against. */
  readonly lower: number;
  readonly upper: number;
  /** False while the series' model warms up: such points never move the lifecycle. */
  readonly ready: boolean;
  /** The detector explaining the score (named on the incident when it opens). */
  readonly detector: string;
}

/** What one point did to a series' lifecycle. */
export type LifecycleStep =
  /** Nothing to persist (the status did not change, or the point was stale or not ready). */
  | 'unchanged'
  /** The status changed without an alert (ok ↔ pending, firing ↔ clearing): persist the state. */
  | 'phase_changed'
  /** The incident fired: publish a `firing` alert, persist the state. */
  | 'fired'
  /**
   * A firing incident became critical (it went far beyond its band, or lasted `criticalAfterMs`): publish the update
   * (a `firing` alert with the same id and severity `critical`), persist the state. Once per incident.
   */
  | 'escalated'
  /** The incident resolved: publish a `resolved` alert (the state still holds the incident), persist the state. */
  | 'resolved';

/**
 * Advances one series' alert lifecycle by one point, in place (the state is the store's entry), and says what
 * happened. The transitions are libs/stats' {@link stepAlert}; around it this adds what alerting from a stream needs:
 *
 * - idempotency: a point whose event time is not after `state.lastTs` is a redelivery (or older than what the
 *   persisted state accounts for) and changes nothing;
 * - a model still warming up moves nothing;
 * - "back to normal" means calm *and* inside the band: while an incident is open, a point outside the band is not
 *   calm even if the detector no longer finds it surprising (it has seen that value for a few points), so a
 *   sustained excursion keeps its alert until the series returns to its band or the band has moved to it;
 * - the incident: opened at its first breaching point, with the deterministic id `alertId(series, startedAt)`, so
 *   reprocessing the same points (on any instance) yields the same id; its peak score and explaining detector;
 * - its severity (with `severity: auto`, see {@link criticalNow}): it only rises, and is persisted with the incident,
 *   so a redelivered point or a restarted instance does not publish an escalation twice.
 *
 * After `'resolved'` the status is `ok` and `state.incident` still describes the resolved incident (with
 * `resolvedAt`), so the caller can build the `resolved` alert; the next incident replaces it.
 */
export function advanceLifecycle(
  state: AlertLifecycleState,
  point: LifecyclePoint,
  policy: AlertLifecyclePolicy,
): LifecycleStep {
  if (!(point.ts > state.lastTs)) return 'unchanged';
  state.lastTs = point.ts;
  if (!point.ready) return 'unchanged';
  const before = state.machine;
  let score = point.score;
  if (
    before.status !== 'ok' &&
    before.status !== 'pending' &&
    (point.value > point.upper || point.value < point.lower)
  ) {
    const { clearLevel } = resolveSensitivity(policy.alert.sensitivity);
    if (score < clearLevel) score = clearLevel;
  }
  const step = stepAlert(before, { timestampMs: point.ts, score, value: point.value }, policy.alert);
  const after = step.state;
  state.machine = after;
  if (before.status === 'ok' && after.status !== 'ok') {
    const startedAt = after.status === 'pending' ? after.sinceMs : point.ts;
    state.incident = {
      id: alertId(state.series, startedAt),
      startedAt,
      firedAt: null,
      resolvedAt: null,
      peakScore: point.score,
      detector: point.detector,
    };
  }
  const incident = state.incident;
  let escalated = false;
  if (incident !== null && after.status !== 'ok') {
    if (point.score > incident.peakScore) incident.peakScore = point.score;
    if (policy.severity === 'auto') {
      const was = incidentSeverity(incident, policy);
      incident.severity = was === 'critical' || criticalNow(incident, point, after.status, policy) ? 'critical' : was;
      escalated = was !== incident.severity;
    }
  }
  if (step.transition === 'fired') {
    incident!.firedAt = point.ts;
    return 'fired';
  }
  if (step.transition === 'cleared') {
    // calm since the clearing began (or this point, when no clearing duration is required)
    incident!.resolvedAt = before.status === 'clearing' ? before.sinceMs : point.ts;
    return 'resolved';
  }
  if (escalated && (before.status === 'firing' || before.status === 'clearing')) return 'escalated';
  if (before.status === after.status) return 'unchanged';
  if (after.status === 'ok') state.incident = null; // pending that never fired
  return 'phase_changed';
}

/** The severity an incident has reached under `severity: auto` (records from before it was kept: from the peak score). */
export function incidentSeverity(incident: Incident, policy: AlertLifecyclePolicy): 'warning' | 'critical' {
  return incident.severity ?? (incident.peakScore >= policy.criticalScore ? 'critical' : 'warning');
}

/**
 * How far a value lies beyond its band, in units of the band's half-width: 0 inside the band, 1 when it is as far
 * beyond the edge as the edge is from the expected value. A band of width 0 makes any value outside it infinitely far.
 */
export function beyondBand(point: Pick<LifecyclePoint, 'value' | 'lower' | 'upper'>): number {
  const outside = point.value > point.upper ? point.value - point.upper : point.lower - point.value;
  if (!(outside > 0)) return 0;
  const halfWidth = (point.upper - point.lower) / 2;
  return halfWidth > 0 ? outside / halfWidth : Number.POSITIVE_INFINITY;
}

/**
 * Whether this point makes the open incident critical: magnitude (its peak score at `criticalScore`, or this value
 * `criticalBeyondBand` half-widths beyond its band), a static limit crossed, or duration (still firing
 * `criticalAfterMs` after the incident started).
 */
export function criticalNow(
  incident: Incident,
  point: LifecyclePoint,
  status: AlertState['status'],
  policy: AlertLifecyclePolicy,
): boolean {
  const { upperLimit, lowerLimit } = policy.alert;
  return (
    incident.peakScore >= policy.criticalScore ||
    beyondBand(point) >= policy.criticalBeyondBand ||
    (upperLimit !== undefined && point.value > upperLimit) ||
    (lowerLimit !== undefined && point.value < lowerLimit) ||
    (status === 'firing' && policy.criticalAfterMs > 0 && point.ts - incident.startedAt >= policy.criticalAfterMs)
  );
}
