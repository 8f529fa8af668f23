import { resolveSensitivity, type Sensitivity } from './resolve-sensitivity';

/** When an alert fires and clears. */
export interface AlertPolicy {
  sensitivity: Sensitivity;
  /** A point breaches when its value is above this static limit (whatever the score). */
  upperLimit?: number;
  /** A point breaches when its value is below this static limit. */
  lowerLimit?: number;
  /** Breaching must last this long (ms, first to last breaching point) before the alert fires. 0 = at once. */
  minDurationMs?: number;
  /** Calm (score below the clear level, value within limits) must last this long before the alert clears. */
  clearDurationMs?: number;
}

/** Alert status of one series: plain data, safe to store and compare. */
export interface AlertState {
  status: 'ok' | 'pending' | 'firing' | 'clearing';
  /** Start of the current status (ms). */
  sinceMs: number;
  /** When the current alert fired (NaN when none). */
  firedAtMs: number;
  /** Highest score seen while pending or firing. */
  peakScore: number;
}

/** One observation: the detector's score and the raw value. */
export interface AlertInput {
  timestampMs: number;
  score: number;
  value: number;
}

/** Result of a step: the new state and what happened. */
export interface AlertStep {
  state: AlertState;
  transition: 'none' | 'fired' | 'cleared';
  /** Why the point breached, when it did. */
  reason: 'none' | 'score' | 'upper_limit' | 'lower_limit';
}

/** The state of a series that never alerted. */
export const INITIAL_ALERT_STATE: AlertState = Object.freeze({
  status: 'ok',
  sinceMs: NaN,
  firedAtMs: NaN,
  peakScore: 0,
}) as AlertState;

/**
 * The alert state machine the anomaly service runs per series: `ok → pending → firing → clearing → ok`.
 * A point *breaches* when its score reaches the fire level of the sensitivity or its value crosses a static limit
 * (static limits and the dynamic band combined: either is enough). Firing needs breaching for `minDurationMs`;
 * clearing needs calm — score below the lower *clear* level (hysteresis) and value within the limits — for
 * `clearDurationMs`. A breach while clearing returns to firing without a new alert. Pure: returns a new state.
 *
 * Method: a debounced two-threshold (Schmitt-trigger) alarm, as in Prometheus' `for:` and `keep_firing_for:`.
 * Complexity: O(1) per step.
 *
 * @example
 * ```ts
 * const policy = { sensitivity: 'medium' as const, minDurationMs: 60_000 };
 * let s = INITIAL_ALERT_STATE;
 * s = stepAlert(s, { timestampMs: 0, score: 0.9, value: 1 }, policy).state; // pending
 * const r = stepAlert(s, { timestampMs: 60_000, score: 0.8, value: 1 }, policy);
 * r.transition; // 'fired'
 * ```
 */
export function stepAlert(state: AlertState, input: AlertInput, policy: AlertPolicy): AlertStep {
  const levels = resolveSensitivity(policy.sensitivity);
  const t = input.timestampMs;
  let reason: AlertStep['reason'] = 'none';
  if (policy.upperLimit !== undefined && input.value > policy.upperLimit) reason = 'upper_limit';
  else if (policy.lowerLimit !== undefined && input.value < policy.lowerLimit) reason = 'lower_limit';
  else if (input.score >= levels.fireLevel) reason = 'score';
  const breach = reason !== 'none';
  const calm = !breach && input.score < levels.clearLevel;
  const minDur = policy.minDurationMs ?? 0;
  const clearDur = policy.clearDurationMs ?? 0;
  const peak = Math.max(state.peakScore, input.score);
  switch (state.status) {
    case 'ok':
    case 'pending': {
      if (!breach) return { state: INITIAL_ALERT_STATE, transition: 'none', reason };
      const since = state.status === 'pending' ? state.sinceMs : t;
      if (t - since >= minDur) {
        return { state: { status: 'firing', sinceMs: t, firedAtMs: t, peakScore: peak }, transition: 'fired', reason };
      }
      return {
        state: { status: 'pending', sinceMs: since, firedAtMs: NaN, peakScore: peak },
        transition: 'none',
        reason,
      };
    }
    case 'firing':
    case 'clearing': {
      if (!calm) {
        return {
          state: {
            status: 'firing',
            sinceMs: state.status === 'firing' ? state.sinceMs : t,
            firedAtMs: state.firedAtMs,
            peakScore: peak,
          },
          transition: 'none',
          reason,
        };
      }
      const since = state.status === 'clearing' ? state.sinceMs : t;
      if (t - since >= clearDur) return { state: INITIAL_ALERT_STATE, transition: 'cleared', reason };
      return {
        state: { status: 'clearing', sinceMs: since, firedAtMs: state.firedAtMs, peakScore: state.peakScore },
        transition: 'none',
        reason,
      };
    }
  }
}
