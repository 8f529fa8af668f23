import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RunningMoments } from './running-moments';
import { EwMoments } from './ew-moments';

const DATA = [3.1, 4.7, 1.2, 9.9, 5.5, 6.0, 2.2, 8.8, 7.1, 0.4];

describe('RunningMoments', () => {
  it('matches numpy mean, var and var(ddof=1)', () => {
    // Expected: numpy 2.4 x.mean() = 4.89, x.var() = 9.112900000000002, x.var(ddof=1) = 10.125444444444447.
    const m = new RunningMoments();
    DATA.forEach((x) => m.update(x));
    assert.ok(Math.abs(m.mean - 4.89) < 1e-12);
    assert.ok(Math.abs(m.variance - 9.1129) < 1e-12);
    assert.ok(Math.abs(m.sampleVariance - 10.125444444444447) < 1e-12);
  });

  it('merge equals sequential update (property)', () => {
    const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(fc.array(finite, { maxLength: 50 }), fc.array(finite, { maxLength: 50 }), (a, b) => {
        const seq = new RunningMoments();
        [...a, ...b].forEach((x) => seq.update(x));
        const left = new RunningMoments();
        a.forEach((x) => left.update(x));
        const right = new RunningMoments();
        b.forEach((x) => right.update(x));
        left.merge(right);
        assert.equal(left.count, seq.count);
        const tol = 1e-9 * (1 + Math.abs(seq.mean));
        assert.ok(Math.abs(left.mean - seq.mean) <= tol);
        assert.ok(Math.abs(left.variance - seq.variance) <= 1e-9 * (1 + seq.variance));
      }),
    );
  });

  it('snapshot/restore is exact', () => {
    const m = new RunningMoments();
    DATA.forEach((x) => m.update(x));
    const r = RunningMoments.restore(JSON.parse(JSON.stringify(m.snapshot())));
    r.update(1.5);
    m.update(1.5);
    assert.deepEqual(r.snapshot(), m.snapshot());
  });
});

describe('EwMoments', () => {
  it('is the plain (population) mean and variance during warm-up', () => {
    // Expected: numpy mean([1,2,3,4]) = 2.5, var = 1.25.
    const m = new EwMoments(0.1);
    const s = m.allocate();
    [1, 2, 3, 4].forEach((x) => m.update(s, x));
    assert.ok(Math.abs(m.mean(s) - 2.5) < 1e-12);
    assert.ok(Math.abs(m.variance(s) - 1.25) < 1e-12);
  });
  it('forgets: after a step the mean converges to the new level', () => {
    const m = new EwMoments(0.1);
    const s = m.allocate();
    for (let i = 0; i < 100; i++) m.update(s, 0);
    for (let i = 0; i < 100; i++) m.update(s, 10);
    // 10·(1 − 0.9^100) = 9.99973438...
    assert.ok(Math.abs(m.mean(s) - 10 * (1 - Math.pow(0.9, 100))) < 1e-9);
    const copy = m.allocate();
    m.restore(copy, JSON.parse(JSON.stringify(m.snapshot(s))));
    assert.deepEqual(Array.from(copy), Array.from(s));
  });
});
