import type { AnomalyPoint } from './analysis.types';
import { groupBy } from './incidents';
import { zonedParts } from './zoned-time';

export interface RecurringHour {
  readonly host: string;
  /** Local hour of day (0-23) in the report's timezone. */
  readonly hour: number;
  /** Distinct local dates with anomalies in that hour. */
  readonly days: readonly string[];
  readonly metrics: readonly string[];
  readonly points: number;
}

/**
 * Anomalies of one host that come back at the same local hour on at least `minDays` different days: the signature
 * of a scheduled job (backup, batch, cron) that should be declared as maintenance rather than alerted on.
 * The strongest hour per host; most days first.
 */
export function recurringAnomalyHours(
  anomalies: readonly AnomalyPoint[],
  timeZone: string,
  minDays: number,
): RecurringHour[] {
  const out: RecurringHour[] = [];
  for (const [host, points] of groupBy(anomalies, (a) => a.host)) {
    const byHour = new Map<number, { days: Set<string>; metrics: Set<string>; points: number }>();
    for (const p of points) {
      const z = zonedParts(p.time, timeZone);
      let slot = byHour.get(z.hour);
      if (!slot) byHour.set(z.hour, (slot = { days: new Set(), metrics: new Set(), points: 0 }));
      slot.days.add(z.date);
      slot.metrics.add(p.metric);
      slot.points++;
    }
    let best: RecurringHour | undefined;
    for (const [hour, slot] of byHour) {
      if (slot.days.size < minDays) continue;
      if (!best || slot.days.size > best.days.length) {
        best = { host, hour, days: [...slot.days].sort(), metrics: [...slot.metrics].sort(), points: slot.points };
      }
    }
    if (best) out.push(best);
  }
  return out.sort((a, b) => b.days.length - a.days.length || a.host.localeCompare(b.host));
}
