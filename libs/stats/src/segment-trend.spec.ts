import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SegmentTrend } from './segment-trend';

const HOUR = 3_600_000;

describe('SegmentTrend', () => {
  it('without forgetting equals ordinary least squares (scipy.stats.linregress)', () => {
    // Expected: scipy 1.17 linregress(t, y): slope 2.0, intercept 1.02, stderr 0.020449494325818923,
    // residual std sqrt(SSE/(n-2)) = 0.18574175621006697.
    const y = [1.0, 2.9, 5.2, 7.1, 8.8, 11.2, 13.1, 14.7, 17.2, 19.0];
    const tr = new SegmentTrend(1, 0.5);
    const st = tr.allocate();
    y.forEach((v, i) => tr.update(st, i * HOUR, v));
    const f = tr.fit(st);
    assert.ok(Math.abs(f.slope * HOUR - 2.0) < 1e-9);
    assert.ok(Math.abs(f.level - (1.02 + 2 * 9)) < 1e-9);
    assert.ok(Math.abs(f.slopeStdError * HOUR - 0.020449494325818923) < 1e-9);
    assert.ok(Math.abs(f.residualStd - 0.18574175621006697) < 1e-9);
  });

  it('starts a new segment at a cleanup drop, so the slope is that of the current fill', () => {
    const tr = new SegmentTrend(0.999, 0.5);
    const st = tr.allocate();
    let t = 0;
    for (let cycle = 0; cycle < 3; cycle++) {
      for (let i = 0; i < 100; i++) tr.update(st, (t += HOUR), 20 + i * 0.7); // fill at 0.7/hour, then cleanup
    }
    const f = tr.fit(st);
    assert.ok(Math.abs(f.slope * HOUR - 0.7) < 1e-6, `slope ${f.slope * HOUR}`);
    // 100 points with forgetting 0.999: Σ 0.999^i = (1 − 0.999^100)/0.001 ≈ 95.21.
    assert.ok(Math.abs(f.points - (1 - Math.pow(0.999, 100)) / 0.001) < 1e-9);
  });
});
