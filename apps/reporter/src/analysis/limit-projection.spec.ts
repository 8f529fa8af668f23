// Oracle: libs/stats TrendSummary learning every point of the series and its timeUntilLimit, the path `tideline
// bench time-to-limit` scores; the rows are what the baseline service writes (TrendBucket's closed half hours).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TrendBucket, TrendSummary, mulberry32 } from '@tideline/stats';
import type { LimitRef } from '../report/report.schema';
import { projectToLimit, type TrendRows } from './limit-projection';
import { StatsTimeToLimit } from './stats-time-to-limit';

const MIN5 = 300_000;
const DAY = 86_400_000;
const LIMIT: LimitRef = { kind: 'capacity', limit: 100, label: 'disk full', source: 'reporter.limits[0]' };

/** A disk filling 2 points a day with a daily cycle and noise, 10 days of 5-minute points, and its stored rows. */
function filling(): { points: [number, number][]; rows: TrendRows } {
  const r = mulberry32(3);
  const points: [number, number][] = [];
  for (let i = 0; i < 10 * 288; i++) {
    const t = i * MIN5;
    points.push([t, 60 + (2 * t) / DAY + 1.5 * Math.sin((2 * Math.PI * t) / DAY) + (r() - 0.5)]);
  }
  const open = new TrendBucket();
  const closed = { startMs: 0, mean: 0, count: 0 };
  const times: number[] = [];
  const values: number[] = [];
  const counts: number[] = [];
  for (const [t, v] of points) {
    if (open.update(t, v, closed)) {
      times.push(closed.startMs);
      values.push(closed.mean);
      counts.push(closed.count);
    }
  }
  const rows = {
    series: 'disk.used_percent|host=db-1',
    host: 'db-1',
    metric: 'disk.used_percent',
    times: Float64Array.from(times),
    values: Float64Array.from(values),
    counts: Float64Array.from(counts),
  };
  return { points, rows };
}

describe('projectToLimit', () => {
  it('projects the stored rows to exactly the range of a TrendSummary that learned every point (what the bench scores)', () => {
    const { points, rows } = filling();
    // at the last point, as the bench asks (its half hour is still open, in the service as in the summary)
    const now = points[points.length - 1]![0];
    const summary = new TrendSummary();
    for (const [t, v] of points) summary.update(t, v);
    const expected = summary.timeUntilLimit(LIMIT.limit, now);
    assert.ok(expected.range !== null, 'the oracle projects the disk');
    const p = projectToLimit(rows, LIMIT, new StatsTimeToLimit(), now)!;
    assert.equal(p.current, expected.current);
    assert.deepEqual(
      [p.etaP10Ms, p.etaP50Ms, p.etaP90Ms, p.slopePerDay],
      [expected.range.p10Ms, expected.range.p50Ms, expected.range.p90Ms, expected.range.slopePerMs * DAY],
    );
    assert.ok(p.etaP50Ms > 5 * DAY && p.etaP50Ms < 20 * DAY, `p50 ${p.etaP50Ms / DAY} d`);
    assert.equal(p.breached, false);
  });

  it('says nothing for a series not heading for its limit, and "reached" for one at it', () => {
    const { rows } = filling();
    const now = rows.times[rows.times.length - 1]! + DAY / 48;
    assert.equal(projectToLimit(rows, { ...LIMIT, limit: 40 }, new StatsTimeToLimit(), now)?.breached, true);
    const flat = { ...rows, values: rows.values.map(() => 50) };
    assert.equal(projectToLimit(flat, LIMIT, new StatsTimeToLimit(), now), undefined);
  });
});
