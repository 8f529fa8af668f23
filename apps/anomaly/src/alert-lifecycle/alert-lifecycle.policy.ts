import type { ResolvedAlertPolicy } from '@tideline/config';
import type { AlertPolicy } from '@tideline/stats';

/** `auto` derives the severity from the incident; a fixed severity comes from a rule. */
export type SeverityPolicy = 'auto' | 'info' | 'warning' | 'critical';

/**
 * How one series' judged points open and close incidents: libs/stats' alert state machine (`ok → pending → firing →
 * clearing → ok`, fire and clear levels of the sensitivity with hysteresis, static limits, minimum durations in event
 * time), the severity of its alerts, and whether they are published at all.
 */
export interface AlertLifecyclePolicy {
  readonly alert: AlertPolicy;
  /**
   * With `severity: auto`, an incident is critical when its peak score reaches this (default 0.6: a deviation at least
   * 1.5 times beyond the series' usual extremes, what even `low` sensitivity alerts on) or a static limit is crossed;
   * otherwise warning.
   */
  readonly criticalScore: number;
  /**
   * With `severity: auto`, magnitude: an incident is critical once one of its values lies this many band half-widths
   * beyond the band it was judged against (`alerting` rule key `criticalBeyondBand`, default 2).
   */
  readonly criticalBeyondBand: number;
  /**
   * With `severity: auto`, duration: a warning still firing this long after its incident started (event time)
   * escalates to critical, and the escalation is published (`criticalAfterMs`, default 30 min; 0 never).
   */
  readonly criticalAfterMs: number;
  readonly severity: SeverityPolicy;
  /** Incidents are tracked (and stored) but not published. */
  readonly mute: boolean;
}

/** The lifecycle policy of a series under its resolved `alerting` rule (libs/config's `compileAlertRules`). */
export function lifecyclePolicyOf(rule: ResolvedAlertPolicy, criticalScore: number): AlertLifecyclePolicy {
  return {
    alert: {
      sensitivity: rule.sensitivity,
      minDurationMs: rule.minDurationMs,
      clearDurationMs: rule.clearDurationMs,
      ...(rule.upper !== undefined ? { upperLimit: rule.upper } : {}),
      ...(rule.lower !== undefined ? { lowerLimit: rule.lower } : {}),
    },
    criticalScore,
    criticalBeyondBand: rule.criticalBeyondBand,
    criticalAfterMs: rule.criticalAfterMs,
    severity: rule.severity,
    mute: rule.mute,
  };
}
