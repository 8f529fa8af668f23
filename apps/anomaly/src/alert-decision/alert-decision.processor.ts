import { escapeTagValue, type AlertEvent, type BaselinePoint } from '@tideline/contracts';
import { buildAlertEvent } from '../alert-lifecycle/alert-event.builder';
import { advanceLifecycle } from '../alert-lifecycle/alert-lifecycle.processor';
import type { LifecycleEntry } from './series-lifecycle.store';

/** What deciding a batch produced: alert events, their InfluxDB lines, and the entries whose lifecycle changed. */
export interface DecisionOutput {
  readonly alerts: AlertEvent[];
  /** One `alerts` line per alert, with the alert's id. */
  readonly alertLines: string[];
  readonly changed: Set<LifecycleEntry>;
}

export function emptyDecisionOutput(): DecisionOutput {
  return { alerts: [], alertLines: [], changed: new Set() };
}

/**
 * The decision stage: advances a series' alert lifecycle by one judged point (the baseline service's verdict, with
 * the band the point was judged against) under the series' policy, and appends the alert of a transition. Runs no
 * model; touches only the entry: no I/O, no clock, so the same points always give the same alerts and ids.
 */
export class AlertDecisionProcessor {
  process(entry: LifecycleEntry, point: BaselinePoint, out: DecisionOutput): void {
    const latestBefore = entry.lifecycle.lastTs;
    const step = advanceLifecycle(entry.lifecycle, point, entry.policy);
    if (step === 'unchanged') {
      if (entry.persistsEveryPoint && entry.lifecycle.lastTs !== latestBefore) {
        entry.changed = true;
        out.changed.add(entry);
      }
      return;
    }
    entry.changed = true;
    out.changed.add(entry);
    if (step === 'phase_changed' || entry.policy.mute) return;
    const alert = buildAlertEvent({
      point,
      // an escalation is published as `firing` again: same id, severity now critical
      state: step === 'resolved' ? 'resolved' : 'firing',
      incident: entry.lifecycle.incident!,
      policy: entry.policy,
    });
    out.alerts.push(alert);
    out.alertLines.push(alertLine(entry, alert));
  }
}

/** The `alerts` measurement's line of one alert transition (same id as on the alerts topic). */
export function alertLine(entry: LifecycleEntry, alert: AlertEvent): string {
  const fields =
    `value=${alert.value},expected=${alert.expected},lower=${alert.lower},upper=${alert.upper},score=${alert.score},` +
    `id="${alert.id}",started_at=${alert.startedAt}i` +
    (alert.tailProbability === undefined ? '' : `,tail_probability=${alert.tailProbability}`);
  const tags = `,state=${alert.state},severity=${alert.severity},detector=${escapeTagValue(alert.detector)}`;
  return `${entry.alertLinePrefix}${tags} ${fields} ${alert.updatedAt}`;
}
