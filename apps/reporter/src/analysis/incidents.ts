import type { Incident, Severity } from '../report/report.schema';
import type { AlertRecord, AnomalyPoint } from './analysis.types';

export interface IncidentOptions {
  /** End of the report's period: an incident still firing then is open and ends there. */
  readonly until: number;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** An incident's severity: the highest among its rows (an escalated alert is re-published critical under its id). */
export function highestSeverity(rows: readonly { severity: Severity }[]): Severity {
  let severity: Severity = 'info';
  for (const r of rows) if (SEVERITY_RANK[r.severity] > SEVERITY_RANK[severity]) severity = r.severity;
  return severity;
}

/**
 * The week's incidents: one per alert id, as the anomaly service stored its transitions in InfluxDB's `alerts` (a
 * `firing` row, and a `resolved` row once it is over; the id is the one on the alerts topic). An incident starts at
 * its alert's `started_at` (the first breaching point) and ends at its resolve, or at the period's end while it is
 * still open. Its severity is the alert's (the highest of its rows), its peak the highest score among its rows and the
 * series' anomalous points in between. Sorted by start.
 * O(a log a + i·n) for a alert rows, i incidents and n anomalous points of a series.
 */
export function groupIncidents(
  alerts: readonly AlertRecord[],
  anomalies: readonly AnomalyPoint[],
  options: IncidentOptions,
): Incident[] {
  const anomaliesBySeries = groupBy(anomalies, (a) => a.series);
  const incidents: Incident[] = [];
  for (const rows of groupBy(alerts, (a) => a.id).values()) {
    rows.sort((a, b) => a.time - b.time);
    incidents.push(toIncident(rows, anomaliesBySeries.get(rows[0]!.series) ?? [], options));
  }
  return incidents.sort((a, b) => a.start - b.start || a.series.localeCompare(b.series));
}

function toIncident(
  rows: readonly AlertRecord[],
  seriesAnomalies: readonly AnomalyPoint[],
  options: IncidentOptions,
): Incident {
  const first = rows[0]!;
  const resolved = rows.find((r) => r.state === 'resolved');
  const startedAt = rows.map((r) => r.startedAt).find(Number.isFinite);
  const start = startedAt ?? first.time;
  const end = resolved ? resolved.time : Math.max(options.until, start);
  let peak = { series: first.series, time: first.time, score: -Infinity, value: Number.NaN };
  const severity = highestSeverity(rows);
  for (const r of rows) {
    if (r.score > peak.score) peak = { series: r.series, time: r.time, score: r.score, value: r.value };
  }
  let anomalousPoints = 0;
  for (const p of seriesAnomalies) {
    if (p.time < start || p.time > end) continue;
    anomalousPoints++;
    if (p.score > peak.score) peak = { series: p.series, time: p.time, score: p.score, value: p.value };
  }
  if (peak.score === -Infinity) peak = { ...peak, score: Number.NaN };
  return {
    id: first.id,
    series: first.series,
    host: first.host,
    metric: first.metric,
    detector: first.detector,
    start,
    end,
    durationMs: end - start,
    open: resolved === undefined,
    peak,
    severity,
    anomalousPoints,
  };
}

export function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
