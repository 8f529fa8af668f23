import type { LeakEvidence } from '@tideline/stats';
import type { AlertHygieneRow, Projection, Recommendation, SeriesComparison } from '../report/report.schema';
import type { SeriesId } from './analysis.types';
import type { RecurringHour } from './recurring-anomalies';
import { fmtNumber } from '../render/format';
import { formatDuration } from './zoned-time';

export interface RecommendationOptions {
  /** A projection reaching its limit within this horizon (p50) asks for capacity. */
  readonly capacityHorizonMs: number;
  /** A significant week-over-week growth at least this large asks for capacity even without a configured limit. */
  readonly growthForCapacity: number;
  /** Lower sensitivity: at least this many alerts in the week … */
  readonly noisyMinAlerts: number;
  /** … of which at least this fraction of the resolved ones were brief … */
  readonly noisyMinShareBrief: number;
  /** … that is, resolved within this of their start. */
  readonly briefAlertMs: number;
}

export interface RecommendationInputs {
  readonly projections: readonly Projection[];
  readonly comparisons: readonly SeriesComparison[];
  readonly leaks: readonly (SeriesId & { readonly evidence: LeakEvidence })[];
  readonly hygiene: readonly AlertHygieneRow[];
  readonly recurring: readonly RecurringHour[];
}

const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

/**
 * Turns the week's findings into actions, each with the numbers behind it. Priority (higher first): breached or
 * soon-breached limits, leaks, recurring anomalies, noisy alerts, plain growth.
 */
export function recommend(inputs: RecommendationInputs, options: RecommendationOptions): Recommendation[] {
  const out: Recommendation[] = [];
  const capacitySeries = new Set<string>();
  for (const p of inputs.projections) {
    if (!p.breached && !(p.etaP50Ms <= options.capacityHorizonMs)) continue;
    capacitySeries.add(p.series);
    out.push({
      kind: 'capacity',
      series: p.series,
      host: p.host,
      metric: p.metric,
      title: p.breached
        ? `${p.metric} on ${p.host} is over its ${p.limit.label}: act now`
        : `Add capacity for ${p.metric} on ${p.host}: ${p.limit.label} in ${formatDuration(p.etaP50Ms)}`,
      evidence:
        `now ${fmtNumber(p.current)}, growing ${fmtNumber(p.slopePerDay)}/day; ${p.limit.label} reached in ` +
        `${formatDuration(p.etaP50Ms)} (p50; p10–p90 ${formatDuration(p.etaP10Ms)} – ${formatDuration(p.etaP90Ms)}); ${p.method}`,
      priority: p.breached ? 100 : 90 - Math.min(40, p.etaP50Ms / 86_400_000),
    });
  }
  for (const leak of inputs.leaks) {
    const e = leak.evidence;
    out.push({
      kind: 'investigate-leak',
      series: leak.series,
      host: leak.host,
      metric: leak.metric,
      title: `Investigate a possible memory leak: ${leak.metric} on ${leak.host}`,
      evidence:
        `daily low rose on ${e.risingTroughs} of ${e.steps} days, from ${fmtNumber(e.firstTrough)} to ${fmtNumber(e.lastTrough)} ` +
        `(${pct(e.relativeGrowth)}); trend ${fmtNumber(e.slopePerDay)}/day, R² ${e.r2.toFixed(2)}`,
      priority: 70 + Math.min(10, e.relativeGrowth * 20),
    });
  }
  for (const r of inputs.recurring) {
    const hh = String(r.hour).padStart(2, '0');
    const next = String((r.hour + 1) % 24).padStart(2, '0');
    out.push({
      kind: 'declare-maintenance',
      host: r.host,
      title: `Declare a maintenance window ${hh}:00–${next}:00 on ${r.host}`,
      evidence:
        `${r.points} anomalies at ${hh}:00–${next}:00 on ${r.days.length} different days (${r.days.join(', ')}), ` +
        `metrics ${r.metrics.join(', ')}: looks like a scheduled job`,
      priority: 50 + r.days.length,
    });
  }
  for (const h of inputs.hygiene) {
    if (h.firing < options.noisyMinAlerts || h.resolved === 0) continue;
    const share = h.brief / h.resolved;
    if (share < options.noisyMinShareBrief) continue;
    out.push({
      kind: 'lower-sensitivity',
      series: h.series,
      host: h.host,
      metric: h.metric,
      title: `Lower the alert sensitivity of ${h.metric} on ${h.host}`,
      evidence:
        `${h.firing} alerts this week, ${h.brief} of ${h.resolved} resolved (${(share * 100).toFixed(0)} %) over within ` +
        `${formatDuration(options.briefAlertMs)}, ${h.flaps} flaps` +
        (h.medianDurationMs !== undefined ? `, median duration ${formatDuration(h.medianDurationMs)}` : ''),
      priority: 40 + Math.min(9, h.firing / 5),
    });
  }
  for (const c of inputs.comparisons) {
    if (capacitySeries.has(c.series) || !c.significance?.significant) continue;
    const change = c.changeVsLastWeek ?? 0;
    if (change < options.growthForCapacity || !c.thisWeek || !c.lastWeek) continue;
    out.push({
      kind: 'capacity',
      series: c.series,
      host: c.host,
      metric: c.metric,
      title: `Sustained growth of ${c.metric} on ${c.host}: plan capacity`,
      evidence:
        `mean ${fmtNumber(c.lastWeek.mean)} → ${fmtNumber(c.thisWeek.mean)} (${pct(change)}), p95 ${fmtNumber(c.lastWeek.p95)} → ` +
        `${fmtNumber(c.thisWeek.p95)}; Welch t = ${c.significance.t.toFixed(2)}, p = ${c.significance.pValue.toPrecision(2)}`,
      priority: 30 + Math.min(9, change * 10),
    });
  }
  return out.sort((a, b) => b.priority - a.priority || a.host.localeCompare(b.host));
}
