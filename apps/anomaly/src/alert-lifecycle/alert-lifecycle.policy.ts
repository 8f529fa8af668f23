/**
 * When a series' scores open and close an incident. Scores are in [0, 1]; time is the events' own time (epoch ms),
 * so replaying history at any speed gives the same alerts.
 *
 * - normal → pending: a score ≥ `enterScore`.
 * - pending → firing: the scores stayed ≥ `exitScore` for at least `minFiringPoints` points spanning at least
 *   `minFiringMs` (hysteresis: a pending incident survives scores between the two thresholds). A score below
 *   `exitScore` drops it back to normal without an alert.
 * - firing → recovering: a score < `exitScore`.
 * - recovering → resolved (→ normal): `resolvePoints` points spanning at least `resolveMs` all scored < `exitScore`.
 *   One score ≥ `exitScore` returns it to firing: same incident, no new alert.
 */
export interface AlertLifecyclePolicy {
  readonly enterScore: number;
  readonly exitScore: number;
  readonly minFiringPoints: number;
  readonly minFiringMs: number;
  readonly resolvePoints: number;
  readonly resolveMs: number;
  /** Severity of an incident from its peak score: ≥ `criticalScore` is critical, otherwise warning. */
  readonly criticalScore: number;
}
