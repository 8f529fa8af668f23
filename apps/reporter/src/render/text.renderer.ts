import { formatDuration, formatZoned } from '../analysis/zoned-time';
import type { Projection, WeeklyReport } from '../report/report.schema';
import { fmtNumber, fmtP, fmtPercent, fmtScore } from './format';

/**
 * One projection as the report's text lists it (and the dashboard's series page shows it): the limit, the median time
 * to it and the 80 % range, the current value and the trend.
 */
export function projectionText(p: Projection): string {
  return p.breached
    ? `${p.host} ${p.metric}: ${p.limit.label} (${fmtNumber(p.limit.limit)}) already reached, now ${fmtNumber(p.current)}`
    : `${p.host} ${p.metric}: ${p.limit.label} (${fmtNumber(p.limit.limit)}) in ${formatDuration(p.etaP50Ms)} ` +
        `(80 % range p10–p90 ${formatDuration(p.etaP10Ms)} – ${formatDuration(p.etaP90Ms)}); now ${fmtNumber(p.current)}, ${fmtNumber(p.slopePerDay)}/day`;
}

/** The plain-text alternative of the e-mail: the same sections as the HTML, without charts. */
export function renderText(report: WeeklyReport): string {
  const tz = report.period.timezone;
  const when = (ms: number): string => formatZoned(ms, tz);
  const s = report.summary;
  const out: string[] = [];
  const h = (title: string): void => {
    out.push('', title, '='.repeat(title.length));
  };
  out.push(report.title, '');
  out.push(`Compared with ${when(report.previous.since)} – ${when(report.previous.until)}. Report ${report.id}.`);
  out.push(
    `${s.hosts} hosts, ${s.seriesWithData} of ${s.series} series with data; ${s.incidents} incidents; ${s.alertsFired} alerts; ` +
      `${s.significantChanges} significant changes; ${s.projections} projections; ${s.recommendations} recommendations.`,
  );
  if (report.notes.length > 0) {
    h('What is missing');
    for (const n of report.notes)
      out.push(
        `- ${n.message}${n.series && n.series.length > 0 ? ` (${n.series.slice(0, 5).join(', ')}${n.series.length > 5 ? ', …' : ''})` : ''}`,
      );
  }
  h('Recommendations');
  if (report.recommendations.length === 0) out.push('Nothing to act on this week.');
  for (const r of report.recommendations.slice(0, 20)) out.push(`* ${r.title}`, `  ${r.evidence}`);
  h('Incidents');
  if (report.incidents.length === 0) out.push('No incidents this week.');
  for (const i of report.incidents.slice(0, 30)) {
    out.push(
      `- ${when(i.start)}, ${formatDuration(i.durationMs)}${i.open ? ' (open)' : ''}, ${i.host} [${i.severity}]: ${i.metric}; ` +
        `peak ${fmtNumber(i.peak.value)} (score ${fmtScore(i.peak.score)}) at ${when(i.peak.time)}; ` +
        `${i.anomalousPoints} anomalous points; alert ${i.id}`,
    );
  }
  h('Time until a limit (soonest first)');
  if (report.projections.length === 0) out.push('No series is heading for a configured limit.');
  for (const p of report.projections.slice(0, 25)) out.push(`- ${projectionText(p)}`);
  h('Significant changes against last week (Welch t-test on daily means)');
  const notable = report.comparisons.filter((c) => c.significance?.significant).slice(0, 25);
  if (notable.length === 0) out.push('None.');
  for (const c of notable) {
    out.push(
      `- ${c.host} ${c.metric}: mean ${fmtNumber(c.lastWeek?.mean)} -> ${fmtNumber(c.thisWeek?.mean)} (${fmtPercent(c.changeVsLastWeek)}, p ${fmtP(c.significance?.pValue)}); ` +
        `p95 ${fmtNumber(c.thisWeek?.p95)}, max ${fmtNumber(c.thisWeek?.max)}; baseline ${fmtNumber(c.baselineMean)} (${fmtPercent(c.changeVsBaseline)})`,
    );
  }
  h('Baselines that shifted');
  if (report.shifts.length === 0) out.push('None.');
  for (const sh of report.shifts.slice(0, 15))
    out.push(
      `- ${sh.host} ${sh.metric}: ${fmtNumber(sh.before)} -> ${fmtNumber(sh.after)} (${fmtPercent(sh.change)}) around ${when(sh.at)}`,
    );
  h('Alert hygiene (noisiest first)');
  if (report.hygiene.length === 0) out.push('No alerts this week.');
  for (const a of report.hygiene.slice(0, 15)) {
    out.push(`- ${a.host} ${a.metric}: ${a.firing} alerts, ${a.flaps} flaps, ${a.brief} brief`);
  }
  if (report.charts.length > 0) {
    h('Charts');
    out.push('The HTML version of this message has charts of:');
    for (const c of report.charts) out.push(`- ${c.series} (${c.reason})`);
  }
  out.push('');
  return out.join('\n');
}
