import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  HOST_METRIC_NAMES,
  MEASUREMENT_FIELDS,
  MEASUREMENT_TAGS,
  fieldTypesOf,
  lineShape,
  type LineShape,
} from '@tideline/contracts';
import { benchMetrics, benchRandom, benchSeriesLines, type BenchDataSpec } from './bench-report-data';

const HOUR = 3_600_000;
const spec: BenchDataSpec = {
  hosts: 1000,
  metrics: 50,
  until: Date.parse('2026-11-23T08:00:00Z'),
  resolutionMs: HOUR,
  baselineResolutionMs: 6 * HOUR,
};

/** Every line of the first 200 series (host 0..3): holds incidents, warnings, a filling disk and plain series. */
function sampleLines(): LineShape[] {
  const lines: string[] = [];
  const random = benchRandom();
  for (let h = 0; h < 4; h++)
    for (let m = 0; m < spec.metrics; m++) benchSeriesLines(spec, h, m, random, (l) => lines.push(l));
  return lines.map(lineShape);
}

describe('bench report data', () => {
  const lines = sampleLines();
  const ownTags = new Map(benchMetrics(spec.metrics).map((m) => [m.metric, m.tags]));

  it('writes exactly the fields and tags libs/contracts declares for every measurement the services write', () => {
    for (const measurement of ['points', 'baseline', 'anomaly_scores', 'alerts', 'trend_buckets'] as const) {
      const mine = lines.filter((l) => l.measurement === measurement);
      assert.ok(mine.length > 0, measurement);
      for (const line of mine) {
        assert.deepEqual(fieldTypesOf(line), MEASUREMENT_FIELDS[measurement], measurement);
        // points also carry the event's own tags (the collector tags its disk space metrics with the mount)
        const own = measurement === 'points' ? Object.keys(ownTags.get(line.tags['metric']!)!) : [];
        assert.deepEqual(Object.keys(line.tags).sort(), [...MEASUREMENT_TAGS[measurement], ...own].sort(), measurement);
      }
    }
    assert.deepEqual([...new Set(lines.map((l) => l.measurement))].sort(), [
      'alerts',
      'anomaly_scores',
      'baseline',
      'points',
      'trend_buckets',
    ]);
  });

  it("uses the collector's metric names and the series key the services build (metric|host=…|own tags)", () => {
    const metrics = benchMetrics(50).map((m) => m.metric);
    assert.deepEqual(metrics.slice(0, Object.keys(HOST_METRIC_NAMES).length), Object.values(HOST_METRIC_NAMES));
    assert.ok(metrics.includes('disk.used_percent') && metrics.includes('mem.used_percent'));
    const disk = lines.find((l) => l.measurement === 'points' && l.tags['metric'] === 'disk.used_percent')!;
    assert.equal(disk.tags['series'], 'disk.used_percent|host=host-0000|mount=/');
  });

  it("puts scores on the detector's scale: ordinary points below 0.3, an incident's and every firing alert's at 0.5 or more", () => {
    const scores = lines.filter((l) => l.measurement === 'anomaly_scores').map((l) => Number(l.fields['score']!.raw));
    assert.ok(scores.every((s) => s >= 0 && s <= 1));
    assert.ok(
      scores.some((s) => s >= 0.5),
      'incidents score at 0.5 or more',
    );
    assert.ok(
      scores.filter((s) => s < 0.5).every((s) => s < 0.3),
      'ordinary points score below 0.3',
    );
    const firing = lines.filter((l) => l.measurement === 'alerts' && l.tags['state'] === 'firing');
    assert.ok(firing.length >= 2);
    for (const alert of firing) {
      assert.ok(Number(alert.fields['score']!.raw) >= 0.5);
      assert.match(alert.fields['id']!.raw, /^"[0-9a-f]{32}"$/);
      assert.equal(`${alert.fields['started_at']!.raw}`, `${alert.time}i`);
      const resolved = lines.find(
        (l) =>
          l.measurement === 'alerts' &&
          l.tags['state'] === 'resolved' &&
          l.fields['id']!.raw === alert.fields['id']!.raw,
      );
      assert.ok(resolved, 'each firing alert resolves with the same id');
      assert.ok(['warning', 'critical'].includes(alert.tags['severity']!));
    }
  });
});
