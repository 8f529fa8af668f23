// Oracle: numpy population moments (`np.mean`, `np.std` with ddof=0) of each feature of the training values
// [1, 2, 4, 7, 11], worked out by hand as exact fractions: values mean 5, variance 66/5; lag-1 differences
// [1, 2, 3, 4] mean 5/2, variance 5/4; lag-2 differences [3, 5, 7] mean 5, variance 8/3; one lag-4 difference (10),
// too few to count. Merlion's ZMS definition (max |z| over the value and its lag differences) is in zms.py.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LagZScoreDetector } from './lag-z-score-detector';

function close(actual: number, expected: number, tol = 1e-15): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} vs ${expected}`);
}

const squash = (z: number) => z / (z + 3.5);

function trained(): LagZScoreDetector {
  const d = new LagZScoreDetector({ trainPoints: 5 });
  [1, 2, 4, 7, 11].forEach((x, i) => d.scoreAndLearn(i, x));
  return d;
}

describe('LagZScoreDetector', () => {
  it('scores the largest |z| over the value and its lag-1, -2 and -4 differences, squashed to z / (z + 3.5)', () => {
    // x = 12: value z = 7/√13.2 ≈ 1.93; lag 1: |1 − 2.5|/√1.25 ≈ 1.34; lag 2: |5 − 5| = 0; lag 4 has one value.
    close(trained().scoreAndLearn(5, 12), squash(7 / Math.sqrt(66 / 5)));
    // x = 5: value z = 0; lag 1: |−6 − 2.5|/√1.25 ≈ 7.60 (the largest); lag 2: |−2 − 5|/√(8/3) ≈ 4.29.
    close(trained().scoreAndLearn(5, 5), squash(8.5 / Math.sqrt(5 / 4)));
  });

  it('freezes its moments after trainPoints: a later spike does not change how later points score', () => {
    const clean = trained();
    const spiked = trained();
    clean.scoreAndLearn(5, 12);
    spiked.scoreAndLearn(5, 1000);
    // After training, the spike only enters the lag history; four points later the two agree again.
    for (const [i, x] of [13, 14, 15, 16].entries()) {
      clean.scoreAndLearn(6 + i, x);
      spiked.scoreAndLearn(6 + i, x);
    }
    assert.equal(clean.scoreAndLearn(10, 17), spiked.scoreAndLearn(10, 17));
  });

  it('scores each training point against the moments of the earlier ones only (score before learn)', () => {
    const d = new LagZScoreDetector({ trainPoints: 100 });
    assert.equal(d.scoreAndLearn(0, 1), 0); // no moments yet
    assert.equal(d.scoreAndLearn(1, 3), 0); // the value has one earlier value, a feature needs two
    // Values [1, 3]: mean 2, std 1; x = 4: value z = 2; one lag-1 difference so far (too few).
    close(d.scoreAndLearn(2, 4), squash(2));
  });

  it('scores 1 for a change after a constant training period', () => {
    const d = new LagZScoreDetector({ trainPoints: 10 });
    for (let i = 0; i < 10; i++) d.scoreAndLearn(i, 7);
    assert.equal(d.scoreAndLearn(10, 7), 0);
    assert.equal(d.scoreAndLearn(11, 7.5), 1);
  });

  it('returns scores in [0, 1] for any values, NaN and infinities included (property)', () => {
    const value = fc.oneof(
      fc.double({ min: -1e12, max: 1e12, noNaN: true }),
      fc.constantFrom(NaN, Infinity, -Infinity, 0, 1e308, -1e308),
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 300 }), fc.integer({ min: 2, max: 50 }), (xs, train) => {
        const d = new LagZScoreDetector({ trainPoints: train });
        xs.forEach((x, i) => {
          const s = d.scoreAndLearn(i, x);
          assert.ok(s >= 0 && s <= 1, String(s));
        });
      }),
    );
  });
});
