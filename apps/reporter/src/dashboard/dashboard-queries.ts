// Used by the dashboard's integration test: every InfluxQL statement of the Grafana and Chronograf dashboards in
// deploy/dashboards, with their template variables and time macros replaced by concrete values.

/** What a dashboard's variables stand for when its queries are run outside Grafana or Chronograf. */
export interface DashboardBindings {
  readonly series: string;
  readonly host: string;
  /** An InfluxQL duration literal for the time filter's look-back, e.g. `7d`. */
  readonly lookBack: string;
  /** An InfluxQL duration literal for `GROUP BY time(…)`, e.g. `1h`. */
  readonly interval: string;
  readonly database: string;
}

export interface DashboardQuery {
  /** `grafana/tideline.json: Value and baseline band (A)` */
  readonly source: string;
  readonly influxql: string;
}

function regexLiteral(value: string): string {
  return value.replace(/[\\/^$.*+?()[\]{}|]/g, '\\$&');
}

function stringLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * Grafana: `$timeFilter` is `time > now() - <range>`, `$__interval` the bucket, and a variable inside a regex is
 * regex-escaped (Grafana's default formatting of a single value there).
 */
export function grafanaQueries(file: string, dashboard: unknown, b: DashboardBindings): DashboardQuery[] {
  const d = dashboard as {
    templating?: { list?: { name: string; query: string }[] };
    panels?: { title: string; targets?: { refId: string; query: string }[] }[];
  };
  const bind = (q: string): string =>
    q
      .replace(/\$timeFilter/g, `time > now() - ${b.lookBack}`)
      .replace(/\$__interval/g, b.interval)
      .replace(/\$series/g, regexLiteral(b.series))
      .replace(/\$host/g, regexLiteral(b.host));
  return [
    ...(d.templating?.list ?? []).map((v) => ({ source: `${file}: variable ${v.name}`, influxql: bind(v.query) })),
    ...(d.panels ?? []).flatMap((p) =>
      (p.targets ?? []).map((t) => ({ source: `${file}: ${p.title} (${t.refId})`, influxql: bind(t.query) })),
    ),
  ];
}

/**
 * Chronograf: `:timeFilter:` is `time > :dashboardTime:` (`now() - <range>`), `:interval:` the bucket, a tagValues
 * variable becomes a quoted string, and a template's own query names `:database:`, `:measurement:`, `:tagKey:`.
 */
export function chronografQueries(file: string, dashboard: unknown, b: DashboardBindings): DashboardQuery[] {
  const d = dashboard as {
    templates?: { tempVar: string; query: { influxql: string; measurement?: string; tagKey?: string } }[];
    cells?: { name: string; queries?: { query: string }[] }[];
  };
  const bind = (q: string): string =>
    q
      .replace(/:timeFilter:/g, `time > now() - ${b.lookBack}`)
      .replace(/:dashboardTime:/g, `now() - ${b.lookBack}`)
      .replace(/:upperDashboardTime:/g, 'now()')
      .replace(/:interval:/g, b.interval)
      .replace(/:series:/g, stringLiteral(b.series))
      .replace(/:host:/g, stringLiteral(b.host));
  return [
    ...(d.templates ?? []).map((t) => ({
      source: `${file}: variable ${t.tempVar}`,
      influxql: t.query.influxql
        .replace(/:database:/g, `"${b.database}"`)
        .replace(/:measurement:/g, `"${t.query.measurement ?? ''}"`)
        .replace(/:tagKey:/g, `"${t.query.tagKey ?? ''}"`),
    })),
    ...(d.cells ?? []).flatMap((c) =>
      (c.queries ?? []).map((q, i) => ({ source: `${file}: ${c.name} (${i + 1})`, influxql: bind(q.query) })),
    ),
  ];
}
