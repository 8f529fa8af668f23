// Oracles: the bucket means of TrendSummary itself learning every point (the summary the projections were measured
// on, `tideline bench time-to-limit`), and hand-computed means; invariants (closed buckets rebuild the summary byte for
// byte, a snapshot restores exactly mid-bucket) as property tests.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TrendBucket, type ClosedTrendBucket } from './trend-bucket';
import { TrendSummary } from './trend-summary';

const TEN_MIN = 600_000;

/** Points in time order: minute offsets (duplicates allowed) and values. */
const pointsArb = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 60 * 24 * 3 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })), {
    maxLength: 400,
  })
  .map((ps) => [...ps].sort((p, q) => p[0] - q[0]).map(([m, v]) => [m * 60_000, v] as const));

function closedBuckets(open: TrendBucket, points: readonly (readonly [number, number])[]): ClosedTrendBucket[] {
  const out: ClosedTrendBucket[] = [];
  const closed = { startMs: 0, mean: 0, count: 0 };
  for (const [t, v] of points) if (open.update(t, v, closed)) out.push({ ...closed });
  return out;
}

describe('TrendBucket', () => {
  it('closes a half hour with the mean and count of its points when a later point arrives', () => {
    const open = new TrendBucket();
    const closed = { startMs: -1, mean: 0, count: 0 };
    assert.equal(open.update(0, 10, closed), false);
    assert.equal(open.update(TEN_MIN, 20, closed), false);
    assert.equal(open.update(2 * TEN_MIN, 36, closed), false);
    assert.equal(open.update(3 * TEN_MIN, 1, closed), true);
    assert.deepEqual(closed, { startMs: 0, mean: 22, count: 3 });
    assert.deepEqual(open.open(), { startMs: 3 * TEN_MIN, mean: 1, count: 1 });
    // an empty half hour in between closes nothing extra; a point of an earlier bucket is ignored
    assert.equal(open.update(9 * TEN_MIN, 5, closed), true);
    assert.deepEqual(closed, { startMs: 3 * TEN_MIN, mean: 1, count: 1 });
    assert.equal(open.update(TEN_MIN, 1000, closed), false);
    assert.deepEqual(open.open(), { startMs: 9 * TEN_MIN, mean: 5, count: 1 });
  });

  it('rebuilds, through addBucket of its closed buckets, the exact bytes of a TrendSummary that learned every point (property)', () => {
    fc.assert(
      fc.property(pointsArb, (points) => {
        const learned = new TrendSummary({ buckets: 200 });
        for (const [t, v] of points) learned.update(t, v);
        const open = new TrendBucket();
        const rebuilt = new TrendSummary({ buckets: 200 });
        for (const c of closedBuckets(open, points)) rebuilt.addBucket(c.startMs, c.mean, c.count);
        const last = open.open();
        if (last) rebuilt.addBucket(last.startMs, last.mean, last.count);
        assert.deepEqual(rebuilt.toBytes(), learned.toBytes());
      }),
    );
  });

  it('holds a saturated bucket (more than 255 points) as TrendSummary does', () => {
    const learned = new TrendSummary({ buckets: 4 });
    const open = new TrendBucket();
    const points: [number, number][] = [];
    for (let i = 0; i < 1800; i++) points.push([i * 1000, Math.sin(i / 10) * 100 + i / 7]);
    points.push([1_800_000, 0]);
    for (const [t, v] of points) learned.update(t, v);
    const [first] = closedBuckets(open, points);
    assert.equal(first!.count, 255);
    const rebuilt = new TrendSummary({ buckets: 4 });
    rebuilt.addBucket(first!.startMs, first!.mean, first!.count);
    rebuilt.addBucket(1_800_000, 0, 1);
    assert.deepEqual(rebuilt.toBytes(), learned.toBytes());
  });

  it('restores a snapshot taken anywhere exactly: the same buckets close as without the restart (property)', () => {
    fc.assert(
      fc.property(pointsArb, fc.nat(), (points, at) => {
        const cut = points.length === 0 ? 0 : at % (points.length + 1);
        const straight = closedBuckets(new TrendBucket(), points);
        const before = new TrendBucket();
        const first = closedBuckets(before, points.slice(0, cut));
        const bytes = before.snapshot();
        const after = TrendBucket.restore(bytes);
        assert.deepEqual(after.snapshot(), bytes);
        assert.deepEqual([...first, ...closedBuckets(after, points.slice(cut))], straight);
      }),
    );
  });

  it('keeps 24 bytes of state and a 32-byte snapshot, whatever it learned', () => {
    const open = new TrendBucket();
    closedBuckets(
      open,
      Array.from({ length: 10_000 }, (_, i) => [i * 10_000, i] as const),
    );
    assert.equal(TrendBucket.stateBytes, 24);
    assert.equal(open.snapshot().byteLength, 32);
  });

  it('refuses a snapshot of another length or version with a RangeError', () => {
    const bytes = new TrendBucket().snapshot();
    assert.throws(() => TrendBucket.restore(bytes.subarray(0, 16)), RangeError);
    const other = bytes.slice();
    new DataView(other.buffer).setFloat64(0, 7, true);
    assert.throws(() => TrendBucket.restore(other), /unknown version 7/);
  });
});
