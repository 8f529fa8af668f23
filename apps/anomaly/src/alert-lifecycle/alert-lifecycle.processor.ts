import { alertId } from './alert-id';
import type { AlertLifecyclePolicy } from './alert-lifecycle.policy';
import type { AlertLifecycleState } from './alert-lifecycle.state';

/** A point as the lifecycle sees it: its event time and the model's verdict. */
export interface LifecyclePoint {
  readonly ts: number;
  readonly score: number;
  /** False while the series' model warms up: such points never move the lifecycle. */
  readonly ready: boolean;
  readonly detector: string;
}

/** What one point did to a series' lifecycle. */
export type LifecycleStep =
  /** Nothing to persist (the phase did not change, or the point was stale or not ready). */
  | 'unchanged'
  /** The phase changed without an alert (normal ↔ pending, firing ↔ recovering): persist the state. */
  | 'phase_changed'
  /** The incident fired: publish a `firing` alert, persist the state. */
  | 'fired'
  /** The incident resolved: publish a `resolved` alert (the state still holds the incident), persist the state. */
  | 'resolved';

/**
 * Advances one series' alert lifecycle by one point, in place (the state is the store's entry), and says what
 * happened. Deterministic: the same states and points always give the same steps and the same incident ids.
 * See {@link AlertLifecyclePolicy} for the rules. A point whose event time is not after `state.lastTs` is a
 * redelivery (or older than what the persisted state already accounts for) and changes nothing.
 *
 * After `'resolved'`, `state.phase` is `normal` and `state.incident` still describes the resolved
 * incident, so the caller can build the `resolved` alert; the next incident replaces it.
 */
export function advanceLifecycle(
  state: AlertLifecycleState,
  point: LifecyclePoint,
  policy: AlertLifecyclePolicy,
): LifecycleStep {
  if (!(point.ts > state.lastTs)) return 'unchanged';
  state.lastTs = point.ts;
  if (!point.ready) return 'unchanged';
  const high = point.score >= policy.exitScore;
  switch (state.phase) {
    case 'normal':
      if (point.score < policy.enterScore) return 'unchanged';
      state.phase = 'pending';
      state.since = point.ts;
      state.points = 1;
      state.incident = {
        id: alertId(state.series, point.ts),
        startedAt: point.ts,
        firedAt: 0,
        peakScore: point.score,
        detector: point.detector,
      };
      return fireIfDue(state, point, policy) ?? 'phase_changed';
    case 'pending': {
      const incident = state.incident!;
      if (!high) {
        state.phase = 'normal';
        state.points = 0;
        state.incident = null;
        return 'phase_changed';
      }
      state.points += 1;
      if (point.score > incident.peakScore) incident.peakScore = point.score;
      return fireIfDue(state, point, policy) ?? 'unchanged';
    }
    case 'firing': {
      const incident = state.incident!;
      if (high) {
        if (point.score > incident.peakScore) incident.peakScore = point.score;
        return 'unchanged';
      }
      state.phase = 'recovering';
      state.since = point.ts;
      state.points = 1;
      return resolveIfDue(state, point, policy) ?? 'phase_changed';
    }
    case 'recovering': {
      const incident = state.incident!;
      if (high) {
        state.phase = 'firing';
        state.points = 0;
        if (point.score > incident.peakScore) incident.peakScore = point.score;
        return 'phase_changed';
      }
      state.points += 1;
      return resolveIfDue(state, point, policy) ?? 'unchanged';
    }
  }
}

function fireIfDue(
  state: AlertLifecycleState,
  point: LifecyclePoint,
  policy: AlertLifecyclePolicy,
): LifecycleStep | undefined {
  if (state.points < policy.minFiringPoints || point.ts - state.since < policy.minFiringMs) return undefined;
  state.phase = 'firing';
  state.points = 0;
  state.incident!.firedAt = point.ts;
  return 'fired';
}

function resolveIfDue(
  state: AlertLifecycleState,
  point: LifecyclePoint,
  policy: AlertLifecyclePolicy,
): LifecycleStep | undefined {
  if (state.points < policy.resolvePoints || point.ts - state.since < policy.resolveMs) return undefined;
  state.phase = 'normal';
  state.points = 0;
  return 'resolved';
}
