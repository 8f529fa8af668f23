import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reporterSectionSchema } from '@tideline/config';
import { HOST_METRIC_NAMES, RUNTIME_METRIC_NAMES } from '@tideline/contracts';
import { alertHygiene } from './alert-hygiene';
import type { AlertRecord, AnomalyPoint, BucketedSeries } from './analysis.types';
import { parseSeriesKey } from './analysis.types';
import { detectBaselineShift } from './baseline-shifts';
import { groupIncidents } from './incidents';
import { LimitResolver, globToRegExp } from './limits';
import { recurringAnomalyHours } from './recurring-anomalies';
import type { Incident } from '../report/report.schema';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-11-16T08:00:00Z');
const id = (host: string, metric: string) => ({ series: `${metric}|host=${host}`, host, metric });
const anomaly = (host: string, metric: string, time: number, score = 0.55): AnomalyPoint => ({
  ...id(host, metric),
  time,
  score,
  value: 10,
});
const alert = (
  host: string,
  metric: string,
  time: number,
  alertId: string,
  state: 'firing' | 'resolved',
  options: { severity?: AlertRecord['severity']; startedAt?: number; score?: number } = {},
): AlertRecord => ({
  ...id(host, metric),
  time,
  id: alertId,
  state,
  severity: options.severity ?? 'warning',
  detector: 'spike',
  startedAt: options.startedAt ?? time,
  score: options.score ?? 0.55,
  value: 1,
  expected: 0,
  lower: -1,
  upper: 1,
});

describe('parseSeriesKey', () => {
  it('takes metric and host from the contract series key', () => {
    assert.deepEqual(parseSeriesKey('disk.used_percent|host=db-1|mount=/'), {
      series: 'disk.used_percent|host=db-1|mount=/',
      metric: 'disk.used_percent',
      host: 'db-1',
    });
  });
});

describe('groupIncidents', () => {
  it('makes one incident per alert id, from its started_at to its resolve, with its severity and peak', () => {
    const alerts = [
      alert('a', 'lat', T0 + 10 * MIN, 'x', 'firing', { severity: 'critical', startedAt: T0 + 5 * MIN, score: 0.55 }),
      alert('a', 'lat', T0 + 40 * MIN, 'x', 'resolved', { severity: 'critical', startedAt: T0 + 5 * MIN, score: 0.1 }),
      alert('a', 'cpu', T0 + 20 * MIN, 'y', 'firing'),
    ];
    const points = [anomaly('a', 'lat', T0 + 20 * MIN, 0.66), anomaly('a', 'lat', T0 + 2 * HOUR, 0.9)];
    const incidents = groupIncidents(alerts, points, { until: T0 + DAY });
    assert.deepEqual(
      incidents.map((i) => i.id),
      ['x', 'y'],
    );
    const [x, y] = incidents as [Incident, Incident];
    assert.equal(x.start, T0 + 5 * MIN);
    assert.equal(x.durationMs, 35 * MIN);
    assert.equal(x.open, false);
    assert.equal(x.severity, 'critical');
    assert.equal(x.metric, 'lat');
    assert.equal(x.peak.score, 0.66, 'the anomalous point during it, not the one after it');
    assert.equal(x.anomalousPoints, 1);
    // not resolved yet: open until the end of the period
    assert.equal(y.open, true);
    assert.equal(y.end, T0 + DAY);
  });

  it('counts a repeated (id, state) row, as a redelivery may store it, once', () => {
    const rows = [alert('a', 'cpu', T0, 'z', 'firing'), alert('a', 'cpu', T0, 'z', 'firing')];
    assert.equal(groupIncidents(rows, [], { until: T0 + HOUR }).length, 1);
  });
});

describe('alertHygiene', () => {
  it('counts flaps (re-fired within the window) and brief alerts, with the median duration', () => {
    const alerts = [
      alert('a', 'cpu', T0, '1', 'firing'),
      alert('a', 'cpu', T0 + 10 * MIN, '1', 'resolved', { startedAt: T0 }),
      alert('a', 'cpu', T0 + 30 * MIN, '2', 'firing'),
      alert('a', 'cpu', T0 + 90 * MIN, '2', 'resolved', { startedAt: T0 + 30 * MIN }),
      alert('a', 'cpu', T0 + 5 * HOUR, '3', 'firing'),
      alert('a', 'cpu', T0 + 5 * HOUR, '3', 'firing'),
    ];
    const [row] = alertHygiene(alerts, { flapWindowMs: HOUR, briefAlertMs: 15 * MIN });
    assert.equal(row!.firing, 3);
    assert.equal(row!.resolved, 2);
    assert.equal(row!.flaps, 1);
    assert.equal(row!.brief, 1);
    assert.equal(row!.medianDurationMs, 10 * MIN);
  });
});

function bucketed(values: number[], step: number, start = T0 - 7 * DAY): BucketedSeries {
  return {
    ...id('a', 'm'),
    times: Float64Array.from(values, (_, i) => start + i * step),
    values: Float64Array.from(values),
  };
}

describe('detectBaselineShift', () => {
  const options = { since: T0, until: T0 + 7 * DAY, minSegment: 2, minRelativeChange: 0.1, minStrength: 3 };
  it('finds a step inside the week with the levels before and after', () => {
    const values = Array.from({ length: 14 }, (_, d) => (d < 10 ? 100 : 160) + (d % 2));
    const shift = detectBaselineShift(bucketed(values, DAY), options);
    assert.ok(shift);
    assert.equal(shift.series, 'm|host=a');
    assert.equal(shift.host, 'a');
    assert.equal(shift.metric, 'm');
    assert.equal(shift.at, T0 + 3 * DAY);
    assert.ok(Math.abs(shift.before - 100.5) < 0.01 && Math.abs(shift.after - 160.5) < 0.5);
  });

  it('does not call a steady trend a shift', () => {
    const values = Array.from({ length: 14 }, (_, d) => 100 + d * 5);
    assert.equal(detectBaselineShift(bucketed(values, DAY), options), undefined);
  });
});

describe('recurringAnomalyHours', () => {
  it('finds anomalies at the same local hour on several days, in the report timezone', () => {
    const points = [0, 1, 2].map((d) => anomaly('batch', 'cpu', Date.parse('2026-11-17T01:10:00Z') + d * DAY));
    const [r] = recurringAnomalyHours(points, 'Europe/Berlin', 3);
    assert.ok(r);
    assert.equal(r.hour, 2); // 01:10 UTC is 02:10 in Berlin (CET)
    assert.equal(r.days.length, 3);
    assert.deepEqual(recurringAnomalyHours(points.slice(0, 2), 'UTC', 3), []);
  });
});

describe('LimitResolver', () => {
  it('takes the first matching rule by metric glob and host glob, naming the config key', () => {
    const r = new LimitResolver([
      { metric: 'disk.*', hosts: 'db-*', limit: 90, kind: 'capacity', label: 'db disk' },
      { metric: 'disk.*', limit: 100, kind: 'capacity' },
    ]);
    assert.equal(r.resolve('disk.used_percent', 'db-1')?.limit, 90);
    assert.equal(r.resolve('disk.used_percent', 'web-1')?.source, 'reporter.limits[1]');
    assert.equal(r.resolve('cpu.total', 'web-1'), undefined);
  });

  it("gives every collector host a disk and a memory limit by default, by the collector's metric names", () => {
    const settings = reporterSectionSchema.parse({});
    const r = new LimitResolver(settings.limits);
    assert.equal(r.resolve(HOST_METRIC_NAMES.diskUsedPercent, 'any-host')?.label, 'disk full');
    assert.equal(r.resolve(HOST_METRIC_NAMES.memUsedPercent, 'any-host')?.label, 'memory exhausted');
    // the trend query selects them
    const selected = new RegExp(r.metricRegex()!);
    assert.ok(selected.test(HOST_METRIC_NAMES.diskUsedPercent) && selected.test(HOST_METRIC_NAMES.memUsedPercent));
    // and the leak check looks at the memory the collector and the SDK publish
    const leak = globToRegExp(settings.analysis.leakMetrics);
    assert.ok(leak.test(HOST_METRIC_NAMES.memUsed) && leak.test(RUNTIME_METRIC_NAMES.rss));
  });
});
