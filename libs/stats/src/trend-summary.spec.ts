// Oracles: bucket means computed by hand (the mean of the points in each half hour, the same number InfluxDB's
// mean() … GROUP BY time(30m) returns); the crossing time of a line solved by hand ((limit − level) / slope);
// invariants (merge equals learning both streams, bytes restore exactly) as property tests.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TrendSummary } from './trend-summary';
import { timeUntilLimitRange } from './time-until-limit-range';
import { mulberry32 } from './mulberry32';

const MIN5 = 300_000;
const HALF_HOUR = 1_800_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-300)) * Math.cos(2 * Math.PI * r());
}

describe('TrendSummary', () => {
  it('keeps four weeks of half-hour means in 6,728 bytes of state per series', () => {
    const s = new TrendSummary();
    assert.equal(s.bucketMs, HALF_HOUR);
    assert.equal(s.buckets, 28 * 48);
    assert.equal(s.stateBytes, 1344 * 4 + 1344 + 8);
    assert.equal(s.toBytes().byteLength, 32 + 1344 * 5);
  });

  it('returns the complete buckets only, at their centres, with the mean of their points; older ones fall out', () => {
    const s = new TrendSummary({ buckets: 6 }); // three hours
    // Points at 0, 10, 20 min (mean 2), 30, 40 min (mean 10), then 2 h 50 min (a bucket of its own, still open).
    s.update(0, 1);
    s.update(600_000, 2);
    s.update(1_200_000, 3);
    s.update(1_800_000, 8);
    s.update(2_400_000, 12);
    let c = s.complete(3 * HOUR);
    assert.deepEqual([...c.times], [900_000, 2_700_000]);
    assert.deepEqual([...c.values], [2, 10]);
    s.update(2 * HOUR + 50 * 60_000, 7);
    c = s.complete(2 * HOUR + 55 * 60_000); // the bucket of 2 h 30 min is not complete yet
    assert.deepEqual([...c.values], [2, 10]);
    s.update(3 * HOUR, 5); // the window is now 30 min – 3 h 30 min: the first bucket is gone
    c = s.complete(4 * HOUR);
    assert.deepEqual([...c.starts], [0.5 * HOUR, 2.5 * HOUR, 3 * HOUR]);
    assert.deepEqual([...c.values], [10, 7, 5]);
    s.update(0, 100); // older than the window: ignored
    assert.deepEqual([...s.complete(4 * HOUR).values], [10, 7, 5]);
  });

  it('gives the same projection from bucket means (as InfluxDB returns them) as from the points', () => {
    const r = mulberry32(3);
    const fromPoints = new TrendSummary();
    const fromMeans = new TrendSummary();
    const t: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 10 * 288; i++) {
      t.push(i * MIN5);
      y.push(40 + (i * MIN5) / (4 * HOUR) + 2 * Math.sin((2 * Math.PI * i) / 288) + 0.5 * gaussian(r));
      fromPoints.update(t[i]!, y[i]!);
    }
    for (let b = 0; b < t.length / 6; b++) {
      let sum = 0;
      for (let k = 0; k < 6; k++) sum += y[b * 6 + k]!;
      fromMeans.addBucket(b * HALF_HOUR, sum / 6);
    }
    const now = t[t.length - 1]! + MIN5;
    const a = fromPoints.timeUntilLimit(150, now);
    const b = fromMeans.timeUntilLimit(150, now);
    assert.ok(a.range !== null && b.range !== null);
    assert.ok(Math.abs(a.range.p50Ms - b.range.p50Ms) < 60_000, `${a.range.p50Ms} vs ${b.range.p50Ms}`);
    assert.ok(Math.abs(a.current - b.current) < 1e-4);
  });

  it('projects a noisy line to its crossing, counted from the caller’s present', () => {
    // +0.25 per hour from 40 over ten days (to 100 at the end), limit 110: 40 hours after the last point.
    const r = mulberry32(7);
    const s = new TrendSummary();
    const n = 10 * 288;
    for (let i = 0; i < n; i++) s.update(i * MIN5, 40 + (i * MIN5) / (4 * HOUR) + 0.3 * gaussian(r));
    const now = n * MIN5; // the end of the last complete bucket
    const p = s.timeUntilLimit(110, now);
    assert.ok(p.range !== null);
    // The line is at 40 + 240 h / 4 = 100 at `now`: 10 to go at 0.25 per hour = 40 h.
    assert.ok(Math.abs(p.range.p50Ms / HOUR - 40) < 1.5, `p50 ${p.range.p50Ms / HOUR} h`);
    assert.ok(p.range.p10Ms <= p.range.p50Ms && p.range.p50Ms <= p.range.p90Ms);
    assert.ok(Math.abs(p.range.slopePerMs * HOUR - 0.25) < 0.02, `slope ${p.range.slopePerMs * HOUR} per hour`);
    // Asked a day later with no new data, the same crossing is a day closer.
    const later = s.timeUntilLimit(110, now + DAY);
    assert.ok(later.range !== null);
    assert.ok(Math.abs(later.range.p50Ms - (p.range.p50Ms - DAY)) < 1, `${later.range.p50Ms}`);
  });

  it('says "not heading there" for a flat series, and still reports its current level', () => {
    const r = mulberry32(9);
    const s = new TrendSummary();
    for (let i = 0; i < 7 * 288; i++) s.update(i * MIN5, 50 + gaussian(r));
    const p = s.timeUntilLimit(90, 7 * DAY);
    assert.equal(p.range, null);
    assert.ok(Math.abs(p.current - 50) < 1, `current ${p.current}`);
  });

  it('matches timeUntilLimitRange on its own complete buckets (one code path)', () => {
    const r = mulberry32(5);
    const s = new TrendSummary();
    for (let i = 0; i < 14 * 288; i++) s.update(i * MIN5, 20 + (i * MIN5) / (6 * HOUR) + gaussian(r));
    const now = 14 * DAY;
    const c = s.complete(now);
    const direct = timeUntilLimitRange(c.times, c.values, 100)!;
    const p = s.timeUntilLimit(100, now).range!;
    const elapsed = now - c.times[c.times.length - 1]!;
    assert.equal(p.p50Ms, direct.p50Ms - elapsed);
    assert.equal(p.model, direct.model);
  });

  it('merging two summaries equals learning both streams, and bytes restore exactly (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: 40 * 48 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.boolean()),
          {
            maxLength: 300,
          },
        ),
        (points) => {
          const both = new TrendSummary({ buckets: 96 });
          const a = new TrendSummary({ buckets: 96 });
          const b = new TrendSummary({ buckets: 96 });
          const sorted = [...points].sort((p, q) => p[0] - q[0]);
          for (const [k, v, left] of sorted) {
            const t = k * 600_000;
            both.update(t, v);
            (left ? a : b).update(t, v);
          }
          a.merge(b);
          const now = 41 * 48 * 600_000;
          const x = both.complete(now);
          const y = a.complete(now);
          // Points older than the window at the time they arrive are dropped by `both` but may be kept by one half
          // until the other is merged; compare the buckets the merged summary's window holds.
          assert.deepEqual([...y.starts], [...x.starts]);
          for (let i = 0; i < x.values.length; i++) {
            assert.ok(Math.abs(x.values[i]! - y.values[i]!) <= 1e-3 * Math.max(1, Math.abs(x.values[i]!)));
          }
          const restored = TrendSummary.fromBytes(a.toBytes());
          assert.deepEqual(restored.toBytes(), a.toBytes());
          assert.deepEqual(restored.complete(now), a.complete(now));
        },
      ),
    );
  });

  it('refuses bytes of another version or length with a RangeError', () => {
    const bytes = new TrendSummary({ buckets: 8 }).toBytes();
    assert.throws(() => TrendSummary.fromBytes(bytes.subarray(0, 40)), RangeError);
    const other = bytes.slice();
    new DataView(other.buffer).setFloat64(0, 99, true);
    assert.throws(() => TrendSummary.fromBytes(other), /unknown version 99/);
  });
});
