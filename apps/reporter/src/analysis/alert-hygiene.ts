import type { AlertHygieneRow } from '../report/report.schema';
import type { AlertRecord } from './analysis.types';
import { groupBy } from './incidents';

export interface AlertHygieneOptions {
  /** A firing that follows a resolve of the same series within this window is a flap. */
  readonly flapWindowMs: number;
  /** An alert resolved within this of its start is brief (a blip). */
  readonly briefAlertMs: number;
}

/**
 * Per series, from the alert transitions the anomaly service stored (one id per alert, a `firing` and a `resolved`
 * row): alerts fired and resolved, flaps (re-fired within `flapWindowMs` of a resolve), brief alerts (resolved within
 * `briefAlertMs` of their start) and the median duration from start to resolve. A row repeated under the same
 * (id, state), as an at-least-once redelivery may store it, counts once. Noisiest first.
 */
export function alertHygiene(alerts: readonly AlertRecord[], options: AlertHygieneOptions): AlertHygieneRow[] {
  const rows: AlertHygieneRow[] = [];
  for (const [series, list] of groupBy(alerts, (a) => a.series)) {
    list.sort((a, b) => a.time - b.time);
    const first = list[0]!;
    const fired = new Set<string>();
    const resolvedIds = new Set<string>();
    let flaps = 0;
    let brief = 0;
    let lastResolvedAt: number | undefined;
    const durations: number[] = [];
    for (const a of list) {
      if (a.state === 'firing') {
        if (fired.has(a.id)) continue;
        fired.add(a.id);
        if (lastResolvedAt !== undefined && a.time - lastResolvedAt <= options.flapWindowMs) flaps++;
      } else {
        if (resolvedIds.has(a.id)) continue;
        resolvedIds.add(a.id);
        lastResolvedAt = a.time;
        if (!Number.isFinite(a.startedAt)) continue;
        const duration = a.time - a.startedAt;
        durations.push(duration);
        if (duration <= options.briefAlertMs) brief++;
      }
    }
    durations.sort((x, y) => x - y);
    rows.push({
      series,
      host: first.host,
      metric: first.metric,
      firing: fired.size,
      resolved: resolvedIds.size,
      flaps,
      brief,
      ...(durations.length > 0 ? { medianDurationMs: durations[Math.floor((durations.length - 1) / 2)]! } : {}),
    });
  }
  return rows.sort((a, b) => b.firing - a.firing || b.flaps - a.flaps || a.series.localeCompare(b.series));
}
