import { parseSeriesKey, type SeriesId } from '../analysis/analysis.types';
import { formatDuration } from '../analysis/zoned-time';
import { escapeHtml, fmtNumber, fmtScore } from '../render/format';
import { projectionText } from '../render/text.renderer';
import type { Projection } from '../report/report.schema';
import type { AlertSummary, SeriesWindow } from './dashboard.store';

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:980px;padding:0 16px;color:#222}
header{display:flex;gap:16px;align-items:baseline;border-bottom:1px solid #ddd;margin-bottom:12px}
header h1{font-size:20px;margin:12px 0}a{color:#1a5fb4}table{border-collapse:collapse;width:100%;margin-bottom:16px}
th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eee;vertical-align:top}th{background:#f6f6f6}
.critical{color:#b00}.warning{color:#b60}.firing{font-weight:600}.muted{color:#777}
svg.chart{width:100%;height:auto;border:1px solid #eee}.band{fill:#78aae6;fill-opacity:.35}
.expected{fill:none;stroke:#2864be;stroke-width:1.2}.value{fill:none;stroke:#1e1e1e;stroke-width:1.2}
.alert-span{fill:#f05a5a;fill-opacity:.18}.alert-mark{stroke:#d72828;stroke-width:1.5}
.grid{stroke:#e8e8e8}.tick{font-size:10px;fill:#555}form{margin:8px 0 16px}input[type=search]{width:320px}`;

/** The page frame: title, navigation, the body. Everything interpolated into `body` is escaped by the callers. */
function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Tideline</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head><body>
<header><h1>Tideline</h1><a href="/">Dashboard</a><a href="/reports">Weekly reports</a></header>
${body}</body></html>`;
}

function fmtTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function seriesHref(series: string, range?: string): string {
  return `/series?key=${encodeURIComponent(series)}${range ? `&amp;range=${encodeURIComponent(range)}` : ''}`;
}

function seriesLink(s: SeriesId): string {
  return `<a href="${seriesHref(s.series)}">${escapeHtml(s.series)}</a>`;
}

function alertRows(alerts: readonly AlertSummary[], now: number): string {
  return alerts
    .map(
      (a) =>
        `<tr class="alert ${a.state}"><td class="${escapeHtml(a.severity)}">${escapeHtml(a.severity)}</td>` +
        `<td>${seriesLink(a)}</td><td>${escapeHtml(a.host)}</td><td>${fmtTime(a.startedAt)}</td>` +
        `<td>${a.state === 'firing' ? `firing for ${formatDuration(now - a.startedAt)}` : formatDuration((a.resolvedAt ?? now) - a.startedAt)}</td>` +
        `<td>${fmtScore(a.peakScore)}</td><td class="muted">${escapeHtml(a.id)}</td></tr>`,
    )
    .join('');
}

function alertTable(id: string, alerts: readonly AlertSummary[], now: number, empty: string): string {
  if (alerts.length === 0) return `<p id="${id}" class="muted">${escapeHtml(empty)}</p>`;
  return `<table id="${id}"><thead><tr><th>Severity</th><th>Series</th><th>Host</th><th>Started</th><th>Duration</th><th>Peak score</th><th>Alert id</th></tr></thead><tbody>${alertRows(alerts, now)}</tbody></table>`;
}

export interface OverviewInput {
  readonly now: number;
  readonly firing: readonly AlertSummary[];
  /** Alerts that started (or were still firing) in the last 7 days. */
  readonly recent: readonly AlertSummary[];
  readonly series: readonly SeriesId[];
  readonly query: string;
  /** How many series the search shows at most. */
  readonly limit: number;
}

/** `/`: firing alerts, the last 7 days' incidents, hosts, and the series search. */
export function renderOverview(input: OverviewInput): string {
  const hosts = new Map<string, number>();
  for (const s of input.series) hosts.set(s.host, (hosts.get(s.host) ?? 0) + 1);
  const firingByHost = new Set(input.firing.map((a) => a.host));
  const needle = input.query.trim().toLowerCase();
  const matches = needle ? input.series.filter((s) => s.series.toLowerCase().includes(needle)) : [];
  const hostRows = [...hosts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([host, count]) =>
        `<tr><td><a href="/?q=${encodeURIComponent(`host=${host}`)}">${escapeHtml(host)}</a></td><td>${count}</td>` +
        `<td>${firingByHost.has(host) ? '<span class="critical">alert firing</span>' : 'ok'}</td></tr>`,
    )
    .join('');
  const search =
    `<form method="get" action="/"><input type="search" name="q" value="${escapeHtml(input.query)}" ` +
    `placeholder="metric, host=…, tag"> <button>Search series</button></form>` +
    (needle
      ? matches.length === 0
        ? `<p class="muted">No series matches “${escapeHtml(input.query)}”.</p>`
        : `<ul id="matches">${matches
            .slice(0, input.limit)
            .map((s) => `<li>${seriesLink(s)}</li>`)
            .join(
              '',
            )}</ul>${matches.length > input.limit ? `<p class="muted">${matches.length - input.limit} more; narrow the search.</p>` : ''}`
      : '');
  return page(
    'Dashboard',
    `<h2>Firing now (${input.firing.length})</h2>${alertTable('firing', input.firing, input.now, 'No alert is firing.')}
<h2>Incidents, last 7 days (${input.recent.length})</h2>${alertTable('incidents', input.recent, input.now, 'No alert in the last 7 days.')}
<h2>Series</h2>${search}
<h2>Hosts (${hosts.size})</h2>${hosts.size === 0 ? '<p class="muted">No points stored yet.</p>' : `<table id="hosts"><thead><tr><th>Host</th><th>Series</th><th>Alerts</th></tr></thead><tbody>${hostRows}</tbody></table>`}
<p class="muted">Weekly reports: <a href="/reports">/reports</a> (JSON list; each report at /reports/&lt;id&gt;). Rendered ${fmtTime(input.now)}.</p>`,
  );
}

export const CHART_VIEW = { width: 900, height: 260, left: 56, right: 10, top: 10, bottom: 24 } as const;

/**
 * An inline SVG of one series: the band (lower–upper) as a filled area, the expected line, the values, and each alert
 * as a red span from its start to its resolve (or the window's end) with a mark where it fired. Gaps stay gaps.
 */
export function renderSeriesSvg(w: SeriesWindow): string {
  const { width, height, left, right, top, bottom } = CHART_VIEW;
  let lo = Infinity;
  let hi = -Infinity;
  for (const arr of [w.value, w.lower, w.upper, w.expected])
    for (const v of arr)
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
  if (!Number.isFinite(lo)) return `<p class="muted">No points in this window.</p>`;
  if (hi === lo) [lo, hi] = [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.05;
  lo -= pad;
  hi += pad;
  const x = (t: number): number => left + ((t - w.from) / (w.until - w.from)) * (width - left - right);
  const y = (v: number): number => top + (1 - (v - lo) / (hi - lo)) * (height - top - bottom);
  const f = (n: number): string => n.toFixed(1);
  const runs = (pick: (i: number) => number): string[] => {
    const out: string[] = [];
    let current: string[] = [];
    for (let i = 0; i < w.times.length; i++) {
      const v = pick(i);
      if (Number.isFinite(v)) current.push(`${f(x(w.times[i]!))},${f(y(v))}`);
      else if (current.length) {
        out.push(current.join(' '));
        current = [];
      }
    }
    if (current.length) out.push(current.join(' '));
    return out;
  };
  const band: string[] = [];
  let upper: string[] = [];
  let lower: string[] = [];
  const flush = (): void => {
    if (upper.length) band.push(`<polygon class="band" points="${[...upper, ...lower.reverse()].join(' ')}"/>`);
    upper = [];
    lower = [];
  };
  for (let i = 0; i < w.times.length; i++) {
    const u = w.upper[i]!;
    const l = w.lower[i]!;
    if (Number.isFinite(u) && Number.isFinite(l)) {
      upper.push(`${f(x(w.times[i]!))},${f(y(u))}`);
      lower.push(`${f(x(w.times[i]!))},${f(y(l))}`);
    } else flush();
  }
  flush();
  const spans = w.alerts
    .map((a) => {
      const x0 = x(Math.max(a.startedAt, w.from));
      const x1 = Math.max(x0 + 2, x(Math.min(a.resolvedAt ?? w.until, w.until)));
      return (
        `<rect class="alert-span" x="${f(x0)}" y="${top}" width="${f(x1 - x0)}" height="${height - top - bottom}"><title>${escapeHtml(`${a.severity} alert ${a.id}`)}</title></rect>` +
        (a.startedAt >= w.from
          ? `<line class="alert-mark" x1="${f(x0)}" x2="${f(x0)}" y1="${top}" y2="${height - bottom}"/>`
          : '')
      );
    })
    .join('');
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((q) => lo + q * (hi - lo));
  const grid = ticks
    .map(
      (v) =>
        `<line class="grid" x1="${left}" x2="${width - right}" y1="${f(y(v))}" y2="${f(y(v))}"/><text class="tick" x="${left - 4}" y="${f(y(v) + 3)}" text-anchor="end">${escapeHtml(fmtNumber(v))}</text>`,
    )
    .join('');
  const times = [0, 0.5, 1]
    .map((q) => {
      const t = w.from + q * (w.until - w.from);
      const anchor = q === 0 ? 'start' : q === 1 ? 'end' : 'middle';
      return `<text class="tick" x="${f(x(t))}" y="${height - 6}" text-anchor="${anchor}">${fmtTime(t)}</text>`;
    })
    .join('');
  const lines = (cls: string, pick: (i: number) => number): string =>
    runs(pick)
      .map((p) => `<polyline class="${cls}" points="${p}"/>`)
      .join('');
  return (
    `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(`${w.series}: value, baseline band and alerts`)}" xmlns="http://www.w3.org/2000/svg">` +
    grid +
    spans +
    band.join('') +
    lines('expected', (i) => w.expected[i]!) +
    lines('value', (i) => w.value[i]!) +
    times +
    `</svg>`
  );
}

export const RANGES = { '24h': 86_400_000, '7d': 7 * 86_400_000 } as const;
export type RangeName = keyof typeof RANGES;

/**
 * `/series?key=…&range=24h|7d`: the chart, the series' time until its limit (when it has one and is heading there:
 * the weekly report's sentence, counted from now) and its alerts in the window.
 */
export function renderSeriesPage(w: SeriesWindow, range: RangeName, now: number, projection?: Projection): string {
  const tabs = (Object.keys(RANGES) as RangeName[])
    .map((r) => (r === range ? `<strong>${r}</strong>` : `<a href="${seriesHref(w.series, r)}">${r}</a>`))
    .join(' · ');
  const id = parseSeriesKey(w.series);
  return page(
    w.series,
    `<h2>${escapeHtml(w.series)}</h2><p>host <strong>${escapeHtml(id.host)}</strong>, metric <strong>${escapeHtml(id.metric)}</strong> · ${tabs}</p>
${renderSeriesSvg(w)}
<p class="muted">Black: values; blue: expected, shaded: the baseline band (lower–upper); red: alerts (firing to resolved).</p>
${projection ? `<h3>Time until the limit</h3><p id="projection">${escapeHtml(projectionText(projection))}</p>` : ''}
<h3>Alerts in this window (${w.alerts.length})</h3>${alertTable('series-alerts', w.alerts, now, 'None.')}`,
  );
}

/** A page for a request that cannot be answered (unknown series, bad range), escaped like the rest. */
export function renderNotFound(message: string): string {
  return page('Not found', `<p>${escapeHtml(message)}</p><p><a href="/">Back to the dashboard</a></p>`);
}
