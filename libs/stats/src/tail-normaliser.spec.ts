import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TailNormaliser } from './tail-normaliser';
import { mulberry32 as rng } from './mulberry32';

describe('TailNormaliser', () => {
  it('tracks the 99th percentile of Exp(1) data (SciPy expon.ppf(0.99) = 4.605170185988091) within 10%', () => {
    const t = new TailNormaliser(1, 0.02, 0.01, 0, 1000); // kappa 0: quantile only
    const s = t.allocate();
    const r = rng(4);
    let sum = 0;
    let n = 0;
    for (let i = 0; i < 400_000; i++) {
      t.update(s, -Math.log(1 - r()));
      if (i >= 200_000) {
        sum += t.quantile(s);
        n++;
      }
    }
    const mean = sum / n;
    assert.ok(Math.abs(mean - 4.605170185988091) / 4.605170185988091 < 0.1, `q ${mean}`);
  });

  it('makes a repeated large value unsurprising (recent maximum)', () => {
    const t = new TailNormaliser(1, 0.05, 0.01, 1, 1000);
    const s = t.allocate();
    for (let i = 0; i < 100; i++) t.update(s, 1);
    const first = t.update(s, 20);
    const second = t.update(s, 20);
    assert.ok(first > 5);
    assert.ok(second <= 1.001);
  });

  it('score() does not learn and learn() caps the recent maximum', () => {
    const t = new TailNormaliser(2, 0.05, 0.01, 1, 1000);
    const s = t.allocate();
    assert.equal(t.score(s, 4), 2);
    assert.equal(t.score(s, 4), 2);
    t.learn(s, 100, 10);
    assert.equal(t.recentMax(s), 10);
  });
});
