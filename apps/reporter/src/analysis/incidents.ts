import type { Incident, Severity } from '../report/report.schema';
import type { AlertRecord, AnomalyPoint } from './analysis.types';

export interface IncidentOptions {
  /** Anomalies of one host closer than this belong to the same incident. */
  readonly mergeGapMs: number;
  /** A cluster is an incident when it has at least this many anomalous points, or lasts `minDurationMs`. */
  readonly minPoints: number;
  readonly minDurationMs: number;
  /** Peak scores at or above these make an incident without alerts warning / critical. */
  readonly warningScore: number;
  readonly criticalScore: number;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/**
 * Groups a week's anomalous points into incidents: per host, points sorted by time are chained while the gap to the
 * previous one is at most `mergeGapMs` (single-linkage in time). Chains too short to matter (isolated blips) are
 * not incidents. Severity is the highest alert severity of that host during the incident, or, when no alert fired,
 * follows the peak score (`criticalScore`, `warningScore`). Sorted by start.
 * O(n log n) for n anomalous points.
 */
export function groupIncidents(
  anomalies: readonly AnomalyPoint[],
  alerts: readonly AlertRecord[],
  options: IncidentOptions,
): Incident[] {
  const byHost = groupBy(anomalies, (a) => a.host);
  const alertsByHost = groupBy(
    alerts.filter((a) => a.state === 'firing'),
    (a) => a.host,
  );
  const incidents: Incident[] = [];
  for (const [host, points] of byHost) {
    points.sort((a, b) => a.time - b.time);
    let cluster: AnomalyPoint[] = [];
    const close = (): void => {
      if (cluster.length === 0) return;
      const start = cluster[0]!.time;
      const end = cluster[cluster.length - 1]!.time;
      if (cluster.length >= options.minPoints || end - start >= options.minDurationMs) {
        incidents.push(toIncident(host, cluster, alertsByHost.get(host) ?? [], options));
      }
      cluster = [];
    };
    for (const p of points) {
      if (cluster.length > 0 && p.time - cluster[cluster.length - 1]!.time > options.mergeGapMs) close();
      cluster.push(p);
    }
    close();
  }
  return incidents.sort((a, b) => a.start - b.start || a.host.localeCompare(b.host));
}

function toIncident(
  host: string,
  cluster: readonly AnomalyPoint[],
  hostAlerts: readonly AlertRecord[],
  options: IncidentOptions,
): Incident {
  const slackMs = options.mergeGapMs;
  const start = cluster[0]!.time;
  const end = cluster[cluster.length - 1]!.time;
  let peak = cluster[0]!;
  for (const p of cluster) if (p.score > peak.score) peak = p;
  const during = hostAlerts.filter((a) => a.time >= start - slackMs && a.time <= end + slackMs);
  let severity: Severity =
    peak.score >= options.criticalScore ? 'critical' : peak.score >= options.warningScore ? 'warning' : 'info';
  if (during.length > 0) {
    severity = 'info';
    for (const a of during) if (SEVERITY_RANK[a.severity] > SEVERITY_RANK[severity]) severity = a.severity;
  }
  const series = [...new Set(cluster.map((p) => p.series))].sort();
  const metrics = [...new Set(cluster.map((p) => p.metric))].sort();
  return {
    id: `${host}@${new Date(start).toISOString()}`,
    host,
    series,
    metrics,
    start,
    end,
    durationMs: end - start,
    peak: { series: peak.series, time: peak.time, score: peak.score, value: peak.value },
    severity,
    anomalousPoints: cluster.length,
    alerts: during.length,
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
