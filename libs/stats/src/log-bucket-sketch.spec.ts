import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LogBucketSketch } from './log-bucket-sketch';

describe('LogBucketSketch', () => {
  it('matches numpy quantiles of exp(3·sin(i)), i = 1..5000, within the 3% relative accuracy', () => {
    // Expected: numpy 2.4 np.quantile(np.exp(3*np.sin(np.arange(1,5001))), q, method='inverted_cdf').
    const sk = new LogBucketSketch(0.03, 128, Infinity);
    const st = sk.allocate();
    for (let i = 1; i <= 5000; i++) sk.update(st, Math.exp(3 * Math.sin(i)));
    const expected: [number, number][] = [
      [0.5, 0.9999095710288675],
      [0.95, 19.375263211873087],
      [0.99, 20.0565316335021],
    ];
    for (const [q, v] of expected)
      assert.ok(Math.abs(sk.quantile(st, q) - v) / v <= 0.031, `q${q}: ${sk.quantile(st, q)} vs ${v}`);
  });

  it('keeps high quantiles accurate when the range overflows its fixed buckets (collapsing lowest)', () => {
    const sk = new LogBucketSketch(0.02, 64, Infinity);
    const st = sk.allocate();
    for (let i = 1; i <= 100_000; i++) sk.update(st, i); // range 1e5 ≫ γ^64 ≈ 13
    assert.ok(Math.abs(sk.quantile(st, 0.99) - 99_000) / 99_000 <= 0.021);
    assert.ok(Math.abs(sk.quantile(st, 0.95) - 95_000) / 95_000 <= 0.021);
  });

  it('returns a value within α of the value of the right rank, for data spanning its range (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constant(0),
            fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
            fc.double({ min: -1e3, max: -1e-3, noNaN: true }),
          ),
          { minLength: 1, maxLength: 300 },
        ),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (xs, q) => {
          // The window is centred on the first value, so each side spans γ^(k/2); with k = 1024 that is
          // 1.04^512 ≈ 8e8, more than the 1e6 ratio between any two values here: nothing collapses.
          const sk = new LogBucketSketch(0.02, 1024, Infinity);
          const st = sk.allocate();
          xs.forEach((x) => sk.update(st, x));
          const sorted = [...xs].sort((a, b) => a - b);
          const v = sk.quantile(st, q);
          const rank = Math.min(sorted.length - 1, Math.floor(q * sorted.length));
          const exact = sorted[rank]!;
          assert.ok(Math.abs(v - exact) <= 0.0201 * Math.abs(exact) + 1e-12, `${v} vs ${exact}`);
        },
      ),
    );
  });

  it('follows a shifted distribution when counts decay', () => {
    const sk = new LogBucketSketch(0.02, 64, 200);
    const st = sk.allocate();
    for (let i = 0; i < 5000; i++) sk.update(st, 10);
    for (let i = 0; i < 2000; i++) sk.update(st, 100);
    assert.ok(Math.abs(sk.quantile(st, 0.5) - 100) / 100 <= 0.021);
  });
});
