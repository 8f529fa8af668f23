import type { AlertPolicy } from '@tideline/stats';

/**
 * When a series' scores open and close an incident: libs/stats' alert state machine (`ok → pending → firing →
 * clearing → ok`, fire and clear levels of the sensitivity with hysteresis, minimum durations in event time), plus the
 * severity of an incident from its peak score.
 */
export interface AlertLifecyclePolicy {
  readonly alert: AlertPolicy;
  /** An incident whose peak score reaches this is critical, otherwise warning. */
  readonly criticalScore: number;
}
