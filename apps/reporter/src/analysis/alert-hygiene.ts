import type { AlertHygieneRow, Incident } from '../report/report.schema';
import type { AlertRecord } from './analysis.types';
import { groupBy } from './incidents';

export interface AlertHygieneOptions {
  /** A firing that follows a resolve of the same series within this window is a flap. */
  readonly flapWindowMs: number;
  /** Slack around an incident when deciding whether an alert belongs to it. */
  readonly incidentSlackMs: number;
}

/**
 * Per series: alerts fired and resolved, flaps (re-fired within `flapWindowMs` of resolving), firings that overlap
 * no incident of their host, and the median firing→resolved duration (paired by alert id). Noisiest first.
 */
export function alertHygiene(
  alerts: readonly AlertRecord[],
  incidents: readonly Incident[],
  options: AlertHygieneOptions,
): AlertHygieneRow[] {
  const incidentsByHost = groupBy(incidents, (i) => i.host);
  const rows: AlertHygieneRow[] = [];
  for (const [series, list] of groupBy(alerts, (a) => a.series)) {
    list.sort((a, b) => a.time - b.time);
    const first = list[0]!;
    let firing = 0;
    let resolved = 0;
    let flaps = 0;
    let withoutIncident = 0;
    let lastResolvedAt: number | undefined;
    const firedAt = new Map<string, number>();
    const durations: number[] = [];
    const hostIncidents = incidentsByHost.get(first.host) ?? [];
    for (const a of list) {
      if (a.state === 'firing') {
        if (firedAt.has(a.id)) continue; // a repeated firing update of the same alert
        firing++;
        firedAt.set(a.id, a.time);
        if (lastResolvedAt !== undefined && a.time - lastResolvedAt <= options.flapWindowMs) flaps++;
        const inIncident = hostIncidents.some(
          (i) => a.time >= i.start - options.incidentSlackMs && a.time <= i.end + options.incidentSlackMs,
        );
        if (!inIncident) withoutIncident++;
      } else {
        resolved++;
        lastResolvedAt = a.time;
        const started = firedAt.get(a.id);
        if (started !== undefined) durations.push(a.time - started);
      }
    }
    durations.sort((x, y) => x - y);
    rows.push({
      series,
      host: first.host,
      metric: first.metric,
      firing,
      resolved,
      flaps,
      withoutIncident,
      ...(durations.length > 0 ? { medianDurationMs: durations[Math.floor((durations.length - 1) / 2)]! } : {}),
    });
  }
  return rows.sort((a, b) => b.firing - a.firing || b.flaps - a.flaps || a.series.localeCompare(b.series));
}
