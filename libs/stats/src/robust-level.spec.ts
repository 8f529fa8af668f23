import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RobustLevel } from './robust-level';
import { SeasonalProfile } from './seasonal-profile';
import { AnomalyLikelihood } from './anomaly-likelihood';

describe('RobustLevel', () => {
  it('is the running mean and mean absolute deviation during warm-up (hand-computed)', () => {
    // x = 2, 4, 9: levels 2, 3, 5; residuals learned 2 (vs 2), 6 (vs 3): MAE = mean(2, 6) = 4.
    const r = new RobustLevel(0.01, 0.01, 3);
    const s = r.allocate();
    [2, 4, 9].forEach((x) => r.update(s, x));
    assert.equal(r.level(s), 5);
    assert.equal(r.mae(s), 4);
  });

  it('moves the level by at most alpha·clip·σ for an outlier once warm', () => {
    const r = new RobustLevel(0.1, 0.05, 3);
    const s = r.allocate();
    for (let i = 0; i < 200; i++) r.update(s, i % 2 === 0 ? 9 : 11);
    const before = r.level(s);
    const sigma = r.sigma(s);
    r.update(s, 1e6);
    assert.ok(r.level(s) - before <= 0.1 * 3 * sigma + 1e-12);
  });

  it('follows a series that steps after an exactly flat stretch: the first move sets the spread (it froze at 0)', () => {
    const r = new RobustLevel(0.1, 0.01, 4);
    const s = r.allocate();
    for (let i = 0; i < 300; i++) r.update(s, 10);
    assert.equal(r.mae(s), 0);
    r.update(s, 20);
    assert.equal(r.mae(s), 10, 'the first residual is the spread');
    assert.equal(r.level(s), 10, 'the level does not jump to one point');
    for (let i = 0; i < 100; i++) r.update(s, 20);
    assert.ok(Math.abs(r.level(s) - 20) < 0.01, `level ${r.level(s)}`);
  });
});

describe('SeasonalProfile', () => {
  it('interpolates linearly between bin centres', () => {
    const p = new SeasonalProfile(24, 4, 1); // 4 bins of 6 units, centres at 3, 9, 15, 21
    const s = p.allocate();
    for (let k = 0; k < 10; k++) {
      p.update(s, 3 + 24 * k, 10);
      p.update(s, 9 + 24 * k, 20);
      p.update(s, 15 + 24 * k, 30);
      p.update(s, 21 + 24 * k, 40);
    }
    assert.equal(p.value(s, 9), 20);
    assert.equal(p.value(s, 6), 15);
    assert.equal(p.value(s, 24 + 12), 25);
    // Between the last centre and the first one of the next period: wraps around.
    assert.equal(p.value(s, 24), 25);
  });
});

describe('AnomalyLikelihood', () => {
  it('gives a burst of raw score a large z and ordinary scores a small one', () => {
    const l = new AnomalyLikelihood(0.3, 0.001, 0.0003);
    const s = l.allocate();
    let z = 0;
    for (let i = 0; i < 2000; i++) z = l.update(s, i % 10 === 0 ? 0.2 : 0.05);
    assert.ok(Math.abs(z) < 3);
    assert.ok(l.update(s, 1) > 3);
    assert.equal(l.count(s), 2001);
  });
});
