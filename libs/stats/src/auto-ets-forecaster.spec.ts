// Oracles: series built from a known formula (a daily business-hours cycle on 5-minute steps, with some points missing), whose
// forecast one day ahead is the formula itself; the regular grid is worked by hand.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AutoEtsForecaster } from './auto-ets-forecaster';
import { regularGrid } from './regular-grid';
import { mulberry32 } from './mulberry32';

const MIN5 = 300_000;
const DAY = 86_400_000;

describe('regularGrid', () => {
  it('puts points on the nearest slot of a grid ending at the last point, averaging shared slots, NaN for empty ones', () => {
    const g = regularGrid([0, 60_000, 70_000, 190_000], [1, 3, 5, 7], 60_000);
    assert.equal(g.endMs, 190_000);
    // Slots at 10 000, 70 000, 130 000, 190 000 ms: 0 → first; 60 000 and 70 000 → second (mean 4); none → third.
    assert.deepEqual([...g.values], [1, 4, NaN, 7]);
  });
});

describe('AutoEtsForecaster', () => {
  it('forecasts a noisy business-hours cycle with gaps one day ahead within 1.5 of it, choosing a daily season (AICc)', () => {
    const r = mulberry32(3);
    // Business hours: 20 by night, 60 from 08:00 to 18:00, with a ramp of an hour; too sharp for a trend to follow.
    const cycle = (i: number) => {
      const h = (i % 288) / 12;
      return 20 + 40 * Math.min(1, Math.max(0, Math.min(h - 8, 18 - h)));
    };
    const f = new AutoEtsForecaster();
    const n = 288 * 6;
    for (let i = 0; i < n; i++) if (r() > 0.05) f.learn(i * MIN5, cycle(i) + (r() - 0.5));
    const targets = Float64Array.from({ length: 288 }, (_, k) => (n - 1 + k + 1) * MIN5);
    const out = { mean: new Float64Array(288), lower: new Float64Array(288), upper: new Float64Array(288) };
    f.forecast(targets, 0.9, out);
    assert.equal(f.lastFit?.spec.period, 288);
    for (let k = 0; k < 288; k++) {
      assert.ok(Math.abs(out.mean[k]! - cycle(n + k)) < 1.5, `step ${k + 1}: ${out.mean[k]} vs ${cycle(n + k)}`);
      assert.ok(out.lower[k]! < out.mean[k]! && out.mean[k]! < out.upper[k]!);
    }
    assert.ok(targets[287]! - targets[0]! < DAY);
  });
});
