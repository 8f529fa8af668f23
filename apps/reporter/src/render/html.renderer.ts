import { formatDuration, formatZoned } from '../analysis/zoned-time';
import type { ChartRef, WeeklyReport } from '../report/report.schema';
import { escapeHtml as e, fmtNumber, fmtP, fmtPercent, fmtScore } from './format';

export interface HtmlRenderOptions {
  /** Where an `<img>` finds a chart: `cid:…` in the e-mail, a data: URI in the saved file. */
  readonly imageSrc: (chart: ChartRef) => string;
  /** Rows of the week-over-week table. */
  readonly maxComparisonRows?: number;
}

const SEVERITY_COLOR = { critical: '#b42318', warning: '#b54708', info: '#175cd3' } as const;

const css = {
  body: 'margin:0;padding:0;background:#f4f5f7;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1d2939;',
  // 648 px of content + 2 × 16 px padding: 680 px, within the 600–700 px mail clients show without scrolling. Long
  // series, host and metric names and the alert ids break anywhere rather than widen a table past it.
  wrap: 'max-width:648px;margin:0 auto;padding:16px;background:#ffffff;overflow-wrap:anywhere;word-break:break-word;',
  h1: 'font-size:20px;margin:8px 0 4px 0;',
  h2: 'font-size:16px;margin:24px 0 8px 0;border-bottom:1px solid #eaecf0;padding-bottom:4px;',
  table: 'border-collapse:collapse;width:100%;max-width:648px;font-size:12px;',
  th: 'text-align:left;padding:4px 6px;background:#f2f4f7;border-bottom:1px solid #d0d5dd;',
  td: 'padding:4px 6px;border-bottom:1px solid #eaecf0;vertical-align:top;',
  num: 'padding:4px 6px;border-bottom:1px solid #eaecf0;text-align:right;white-space:nowrap;',
  muted: 'color:#667085;font-size:12px;',
  note: 'background:#fffaeb;border:1px solid #fedf89;padding:8px 10px;margin:4px 0;font-size:13px;',
  rec: 'border-left:4px solid #175cd3;padding:6px 10px;margin:6px 0;background:#f5f8ff;',
};

/**
 * The report as an HTML e-mail: inline styles and tables only (what mail clients render), charts as `<img>` whose
 * source the caller chooses. Every list a person reads is capped; the JSON has everything.
 */
export function renderHtml(report: WeeklyReport, options: HtmlRenderOptions): string {
  const tz = report.period.timezone;
  const when = (ms: number): string => e(formatZoned(ms, tz));
  const s = report.summary;
  const parts: string[] = [];
  parts.push(
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">`,
  );
  parts.push(`<title>${e(report.title)}</title></head><body style="${css.body}"><div style="${css.wrap}">`);
  parts.push(`<h1 style="${css.h1}">${e(report.title)}</h1>`);
  parts.push(
    `<p style="${css.muted}">Compared with ${when(report.previous.since)} – ${when(report.previous.until)}. ` +
      `Report <code>${e(report.id)}</code>, generated ${when(report.generatedAt)}.</p>`,
  );
  parts.push(
    `<p>${s.hosts} hosts, ${s.seriesWithData} of ${s.series} series with data · <b>${s.incidents}</b> incidents · ` +
      `${s.alertsFired} alerts · <b>${s.significantChanges}</b> significant changes · ${s.projections} projections · ` +
      `<b>${s.recommendations}</b> recommendations</p>`,
  );

  if (report.notes.length > 0) {
    parts.push(`<h2 style="${css.h2}">What is missing</h2>`);
    for (const n of report.notes) {
      const list =
        n.series && n.series.length > 0
          ? `<br><span style="${css.muted}">${n.series.slice(0, 8).map(e).join(', ')}${n.series.length > 8 ? ', …' : ''}</span>`
          : '';
      parts.push(`<div style="${css.note}">${e(n.message)}${list}</div>`);
    }
  }

  parts.push(`<h2 style="${css.h2}">Recommendations</h2>`);
  if (report.recommendations.length === 0) parts.push(`<p style="${css.muted}">Nothing to act on this week.</p>`);
  for (const r of report.recommendations.slice(0, 20)) {
    parts.push(
      `<div style="${css.rec}"><b>${e(r.title)}</b><br><span style="font-size:13px;">${e(r.evidence)}</span></div>`,
    );
  }
  if (report.recommendations.length > 20)
    parts.push(`<p style="${css.muted}">…and ${report.recommendations.length - 20} more in the JSON.</p>`);

  parts.push(`<h2 style="${css.h2}">Incidents</h2>`);
  if (report.incidents.length === 0) {
    parts.push(`<p style="${css.muted}">No incidents this week.</p>`);
  } else {
    const rows = report.incidents
      .slice(0, 30)
      .map(
        (i) =>
          `<tr><td style="${css.td}">${when(i.start)}</td>` +
          `<td style="${css.num}">${e(formatDuration(i.durationMs))}${i.open ? ' (open)' : ''}</td>` +
          `<td style="${css.td}">${e(i.host)}</td><td style="${css.td}">${e(i.metric)}</td>` +
          `<td style="${css.num}">${fmtNumber(i.peak.value)} (score ${fmtScore(i.peak.score)})</td>` +
          `<td style="${css.td}"><span style="color:${SEVERITY_COLOR[i.severity]};font-weight:bold;">${i.severity}</span></td>` +
          `<td style="${css.num}">${i.anomalousPoints}</td><td style="${css.td}"><code>${e(i.id)}</code></td></tr>`,
      );
    parts.push(table(['Start', 'Duration', 'Host', 'Metric', 'Peak', 'Severity', 'Points', 'Alert id'], rows));
    if (report.incidents.length > 30)
      parts.push(`<p style="${css.muted}">…and ${report.incidents.length - 30} more.</p>`);
  }

  if (report.charts.length > 0) {
    parts.push(`<h2 style="${css.h2}">Charts</h2>`);
    parts.push(
      `<p style="${css.muted}">Black: values · blue band: baseline (lower–upper) and expected · red span: an alert, from its first breaching point to its resolve · dots: anomalous points (red critical, amber warning) · dashed red: limit.</p>`,
    );
    for (const c of report.charts) {
      parts.push(
        `<div style="margin:10px 0;"><div style="font-size:13px;"><b>${e(c.series)}</b> <span style="${css.muted}">${e(c.reason)}</span></div>` +
          `<img src="${e(options.imageSrc(c))}" width="648" height="198" alt="${e(c.series)}" style="display:block;box-sizing:border-box;max-width:100%;height:auto;border:1px solid #eaecf0;"></div>`,
      );
    }
  }

  parts.push(`<h2 style="${css.h2}">Time until a limit (soonest first)</h2>`);
  if (report.projections.length === 0) {
    parts.push(`<p style="${css.muted}">No series is heading for a configured limit.</p>`);
  } else {
    const rows = report.projections
      .slice(0, 25)
      .map(
        (p) =>
          `<tr><td style="${css.td}">${e(p.host)}</td><td style="${css.td}">${e(p.metric)}</td><td style="${css.td}">${e(p.limit.label)} (${fmtNumber(p.limit.limit)})</td>` +
          `<td style="${css.num}">${fmtNumber(p.current)}</td><td style="${css.num}">${fmtNumber(p.slopePerDay)}/day</td>` +
          `<td style="${css.num}"><b>${p.breached ? 'reached' : e(formatDuration(p.etaP50Ms))}</b></td>` +
          `<td style="${css.num}">${p.breached ? '—' : `${e(formatDuration(p.etaP10Ms))} – ${e(formatDuration(p.etaP90Ms))}`}</td></tr>`,
      );
    parts.push(table(['Host', 'Metric', 'Limit', 'Now', 'Trend', 'ETA (p50)', '80 % range (p10–p90)'], rows));
  }

  const maxRows = options.maxComparisonRows ?? 25;
  const notable = report.comparisons.filter((c) => c.significance?.significant).slice(0, maxRows);
  parts.push(`<h2 style="${css.h2}">This week against last week and the baseline</h2>`);
  parts.push(
    `<p style="${css.muted}">Significant: Welch's t-test on the two weeks' daily means, p &lt; alpha and a change of at least the configured minimum. ` +
      `${report.summary.significantChanges} of ${report.summary.series} series changed significantly${notable.length < report.summary.significantChanges ? `; the ${notable.length} largest are listed` : ''}.</p>`,
  );
  if (notable.length > 0) {
    const rows = notable.map(
      (c) =>
        `<tr><td style="${css.td}">${e(c.host)}</td><td style="${css.td}">${e(c.metric)}</td>` +
        `<td style="${css.num}">${fmtNumber(c.thisWeek?.mean)} / ${fmtNumber(c.thisWeek?.p95)} / ${fmtNumber(c.thisWeek?.max)}</td>` +
        `<td style="${css.num}">${fmtNumber(c.lastWeek?.mean)} / ${fmtNumber(c.lastWeek?.p95)} / ${fmtNumber(c.lastWeek?.max)}</td>` +
        `<td style="${css.num}"><b>${fmtPercent(c.changeVsLastWeek)}</b></td><td style="${css.num}">${fmtP(c.significance?.pValue)}</td>` +
        `<td style="${css.num}">${fmtNumber(c.baselineMean)} (${fmtPercent(c.changeVsBaseline)})</td></tr>`,
    );
    parts.push(
      table(['Host', 'Metric', 'This week mean / p95 / max', 'Last week', 'Change', 'p', 'Baseline (vs mean)'], rows),
    );
  }

  parts.push(`<h2 style="${css.h2}">Baselines that shifted</h2>`);
  if (report.shifts.length === 0) {
    parts.push(`<p style="${css.muted}">No baseline moved to a new level this week.</p>`);
  } else {
    const rows = report.shifts
      .slice(0, 15)
      .map(
        (sh) =>
          `<tr><td style="${css.td}">${e(sh.host)}</td><td style="${css.td}">${e(sh.metric)}</td><td style="${css.td}">${when(sh.at)}</td>` +
          `<td style="${css.num}">${fmtNumber(sh.before)} → ${fmtNumber(sh.after)}</td><td style="${css.num}">${fmtPercent(sh.change)}</td></tr>`,
      );
    parts.push(table(['Host', 'Metric', 'Around', 'Before → after', 'Change'], rows));
  }

  parts.push(`<h2 style="${css.h2}">Alert hygiene (noisiest first)</h2>`);
  if (report.hygiene.length === 0) {
    parts.push(`<p style="${css.muted}">No alerts this week.</p>`);
  } else {
    const rows = report.hygiene
      .slice(0, 15)
      .map(
        (h) =>
          `<tr><td style="${css.td}">${e(h.host)}</td><td style="${css.td}">${e(h.metric)}</td><td style="${css.num}">${h.firing}</td>` +
          `<td style="${css.num}">${h.flaps}</td><td style="${css.num}">${h.brief}</td>` +
          `<td style="${css.num}">${h.medianDurationMs !== undefined ? e(formatDuration(h.medianDurationMs)) : '—'}</td></tr>`,
      );
    parts.push(table(['Host', 'Metric', 'Alerts', 'Flaps', 'Brief', 'Median duration'], rows));
  }

  parts.push(
    `<p style="${css.muted};margin-top:24px;">Tideline · all numbers in this report are in the JSON version (GET /reports/${e(report.id)}.json). ` +
      `An incident is one alert of the anomaly service (same id as on the alerts topic), from its first breaching point to its resolve; ` +
      `a flap is an alert re-firing within the flap window after resolving; a brief alert was over within the configured brief time.</p>`,
  );
  parts.push('</div></body></html>');
  return parts.join('\n');
}

function table(headers: readonly string[], rows: readonly string[]): string {
  return `<table style="${css.table}" cellspacing="0" cellpadding="0"><tr>${headers.map((h) => `<th style="${css.th}">${e(h)}</th>`).join('')}</tr>${rows.join('')}</table>`;
}
