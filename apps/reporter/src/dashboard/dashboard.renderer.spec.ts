import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AlertRecord } from '../analysis/analysis.types';
import { renderOverview, renderSeriesPage, renderSeriesSvg } from './dashboard.renderer';
import { summarizeAlerts, type SeriesWindow } from './dashboard.store';
import { chronografQueries, grafanaQueries } from './dashboard-queries';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const HOSTILE = `cpu<script>alert(1)</script>|host=web"1'&`;

function row(over: Partial<AlertRecord>): AlertRecord {
  return {
    series: 'cpu|host=web-1',
    host: 'web-1',
    metric: 'cpu',
    time: NOW - 3_600_000,
    id: 'a1',
    state: 'firing',
    severity: 'warning',
    detector: 'robust',
    startedAt: NOW - 3_700_000,
    score: 0.55,
    value: 90,
    expected: 50,
    lower: 45,
    upper: 55,
    ...over,
  };
}

function window(alerts = summarizeAlerts([row({})])): SeriesWindow {
  const n = 24;
  const from = NOW - 86_400_000;
  const times = Float64Array.from({ length: n }, (_, i) => from + i * 3_600_000);
  return {
    series: 'cpu|host=web-1',
    from,
    until: NOW,
    times,
    value: Float64Array.from({ length: n }, (_, i) => (i === 10 ? Number.NaN : 50 + (i % 3))),
    expected: new Float64Array(n).fill(50),
    lower: new Float64Array(n).fill(45),
    upper: new Float64Array(n).fill(55),
    alerts,
  };
}

describe('dashboard alerts', () => {
  it('keeps one summary per alert id with its latest state, counting a transition stored twice once', () => {
    const summaries = summarizeAlerts([
      row({ id: 'a1', state: 'resolved', time: NOW - 600_000, score: 0.2, severity: 'info' }),
      row({ id: 'a1', state: 'firing', score: 0.7 }),
      row({ id: 'a1', state: 'firing', score: 0.7 }),
      row({ id: 'b2', state: 'firing', series: 'mem|host=db-1', host: 'db-1', startedAt: NOW - 60_000 }),
      // escalated: fired as a warning, published again as critical under the same id
      row({ id: 'c3', state: 'firing', time: NOW - 50_000, startedAt: NOW - 50_000 }),
      row({ id: 'c3', state: 'firing', time: NOW - 40_000, startedAt: NOW - 50_000, severity: 'critical' }),
    ]);
    assert.deepEqual(
      summaries.map((s) => [s.id, s.state, s.resolvedAt, s.peakScore, s.severity]),
      [
        ['c3', 'firing', undefined, 0.55, 'critical'],
        ['b2', 'firing', undefined, 0.55, 'warning'],
        ['a1', 'resolved', NOW - 600_000, 0.7, 'warning'],
      ],
    );
  });
});

describe('dashboard pages', () => {
  it('escapes series names, hosts, ids and the search text wherever they appear', () => {
    const hostile = summarizeAlerts([row({ series: HOSTILE, host: `web"1'&<b>`, id: '<img src=x>' })]);
    const html = renderOverview({
      now: NOW,
      firing: hostile,
      recent: hostile,
      series: [{ series: HOSTILE, host: `web"1'&<b>`, metric: 'cpu<script>' }],
      query: `"><script>x</script>`,
      limit: 10,
    });
    assert.ok(!html.includes('<script>'), 'no script tag survives');
    assert.ok(!html.includes('<img'), 'no element from an id');
    assert.ok(!html.includes('<b>'), 'no element from a host');
    assert.match(html, /cpu&lt;script&gt;alert\(1\)&lt;\/script&gt;\|host=web&quot;1&#39;&amp;/);
    assert.match(html, /href="\/series\?key=cpu%3Cscript%3Ealert\(1\)%3C%2Fscript%3E%7Chost%3Dweb%221'%26"/);
    const page = renderSeriesPage({ ...window(hostile), series: HOSTILE }, '24h', NOW);
    assert.ok(!page.includes('<script>'));
  });

  it('shows durations with the report\'s formatter: "firing for 7 d" a week less 20 minutes in, "2 h" for a resolved one', () => {
    const alerts = summarizeAlerts([
      row({ id: 'week', startedAt: NOW - 7 * 86_400_000 + 20 * 60_000, time: NOW - 60_000 }),
      row({ id: 'short', state: 'resolved', startedAt: NOW - 3 * 3_600_000, time: NOW - 3_600_000 + 10_000 }),
    ]);
    const html = renderOverview({ now: NOW, firing: alerts, recent: alerts, series: [], query: '', limit: 10 });
    assert.match(html, /firing for 7 d</);
    assert.match(html, /<td>2 h<\/td>/);
    assert.ok(!/24 h|60 min|0 min/.test(html), 'no part reaches its next unit, none is zero');
  });

  it('lists only the series that match the search, at most the limit', () => {
    const series = Array.from({ length: 5 }, (_, i) => ({ series: `m${i}|host=h`, host: 'h', metric: `m${i}` }));
    const html = renderOverview({ now: NOW, firing: [], recent: [], series, query: 'M', limit: 3 });
    assert.equal(html.match(/<li>/g)?.length, 3);
    assert.match(html, /2 more; narrow the search/);
    assert.match(html, /No alert is firing/);
  });

  it('draws the band as a polygon, the values as lines broken at a gap, and the alert as a red span', () => {
    const svg = renderSeriesSvg(window());
    assert.equal(svg.match(/<polygon class="band"/g)?.length, 1);
    assert.equal(svg.match(/<polyline class="value"/g)?.length, 2, 'the empty bucket splits the value line');
    assert.equal(svg.match(/<rect class="alert-span"/g)?.length, 1);
    assert.match(svg, /<line class="alert-mark"/);
  });

  it("shows the series' time until its limit in the weekly report's words (p50 and the 80 % range), and no section without one", () => {
    const projection = {
      series: 'disk.used_percent|host=db-1',
      host: 'db-1',
      metric: 'disk.used_percent',
      limit: { kind: 'capacity', limit: 100, label: 'disk full', source: 'reporter.limits[0]' },
      current: 76.25,
      slopePerDay: 1.5,
      etaP10Ms: 12 * 86_400_000,
      etaP50Ms: 16 * 86_400_000,
      etaP90Ms: 21 * 86_400_000,
      method: 'm',
      breached: false,
    } as const;
    const page = renderSeriesPage(window(), '24h', NOW, projection);
    assert.match(
      page,
      /<p id="projection">db-1 disk\.used_percent: disk full \(100\) in 16\.0 d \(80 % range p10–p90 12 d – 21\.0 d\); now 76\.25, 1\.50\/day<\/p>/,
    );
    assert.doesNotMatch(renderSeriesPage(window(), '24h', NOW), /id="projection"|Time until the limit/);
  });

  it('says there are no points instead of drawing an empty chart', () => {
    const w = window([]);
    assert.match(
      renderSeriesSvg({
        ...w,
        value: w.value.fill(Number.NaN),
        expected: w.expected.fill(Number.NaN),
        lower: w.lower.fill(Number.NaN),
        upper: w.upper.fill(Number.NaN),
      }),
      /No points/,
    );
  });
});

describe('dashboard query extraction', () => {
  const bindings = { series: 'cpu.x|host=a/b', host: 'a/b', lookBack: '7d', interval: '1h', database: 'db' };

  it('replaces every Grafana variable and macro, regex-escaping a value used in a regex', () => {
    const [query] = grafanaQueries(
      'g.json',
      {
        panels: [
          {
            title: 'T',
            targets: [
              {
                refId: 'A',
                query:
                  'SELECT mean("value") FROM "points" WHERE "series" =~ /^$series$/ AND $timeFilter GROUP BY time($__interval)',
              },
            ],
          },
        ],
      },
      bindings,
    );
    assert.equal(
      query?.influxql,
      'SELECT mean("value") FROM "points" WHERE "series" =~ /^cpu\\.x\\|host=a\\/b$/ AND time > now() - 7d GROUP BY time(1h)',
    );
  });

  it('replaces every Chronograf variable and macro, quoting a tag value', () => {
    const queries = chronografQueries(
      'c.dashboard',
      {
        templates: [
          {
            tempVar: ':series:',
            query: {
              influxql: 'SHOW TAG VALUES ON :database: FROM :measurement: WITH KEY=:tagKey:',
              measurement: 'points',
              tagKey: 'series',
            },
          },
        ],
        cells: [
          {
            name: 'C',
            queries: [
              {
                query: `SELECT max("score") FROM "anomaly_scores" WHERE "series" = :series: AND :timeFilter: GROUP BY time(:interval:)`,
              },
            ],
          },
        ],
      },
      { ...bindings, series: "it's" },
    );
    assert.deepEqual(
      queries.map((q) => q.influxql),
      [
        'SHOW TAG VALUES ON "db" FROM "points" WITH KEY="series"',
        `SELECT max("score") FROM "anomaly_scores" WHERE "series" = 'it\\'s' AND time > now() - 7d GROUP BY time(1h)`,
      ],
    );
  });
});
