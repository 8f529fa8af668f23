// Oracles: the definition (the median of three forecasts computed independently here: a second TidelineDetector
// fed the same points, seasonal naive and the 7-day median looked up by hand); split-conformal coverage (Lei et al.
// 2018) on a seeded noisy daily series whose errors are exchangeable.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CombinedForecaster } from './combined-forecaster';
import { TidelineDetector, type ExpectedBand } from './tideline-detector';
import { mulberry32 } from './mulberry32';

const MIN5 = 300_000;
const DAY = 86_400_000;

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-300)) * Math.cos(2 * Math.PI * r());
}

function bands(n: number) {
  return { mean: new Float64Array(n), lower: new Float64Array(n), upper: new Float64Array(n) };
}

describe('CombinedForecaster', () => {
  it("forecasts the median of Tideline's projection, seasonal naive and the 7-day seasonal median", () => {
    const r = mulberry32(5);
    const f = new CombinedForecaster();
    const d = new TidelineDetector();
    const values: number[] = [];
    const n = 288 * 9;
    for (let i = 0; i < n; i++) {
      const y = 100 + 20 * Math.sin((2 * Math.PI * i) / 288) + 10 * gaussian(r);
      values.push(y);
      f.learn(i * MIN5, y);
      d.scoreAndLearn(i * MIN5, y);
    }
    const band: ExpectedBand = { expected: 0, lower: 0, upper: 0 };
    for (const ahead of [1, 50, 288, 288 * 3 + 7]) {
      const target = (n - 1 + ahead) * MIN5;
      d.predictInto(target, 0.9, band);
      const daysBack = Math.ceil(ahead / 288);
      const naive = values[n - 1 + ahead - 288 * daysBack]!;
      const week = Array.from({ length: 7 }, (_, k) => values[n - 1 + ahead - 288 * (daysBack + k)]!).sort(
        (a, b) => a - b,
      );
      const expected = [band.expected, naive, week[3]!].sort((a, b) => a - b)[1]!;
      assert.ok(Math.abs(f.pointForecast(target) - expected) < 1e-9, `${ahead} steps ahead`);
    }
  });

  it('forecasts exactly 0 for a mostly-zero series (both value-reusing forecasts agree on the zeros)', () => {
    const f = new CombinedForecaster();
    for (let i = 0; i < 288 * 8; i++) f.learn(i * MIN5, i % 97 === 0 ? 500 : 0);
    const out = bands(3);
    f.forecast([288 * 8 * MIN5, 288 * 8.5 * MIN5, 288 * 10 * MIN5], 0.9, out);
    assert.deepEqual([...out.mean], [0, 0, 0]);
  });

  it('covers 85–95% of a noisy daily series one day ahead with its conformal 90% intervals (seeded)', () => {
    const r = mulberry32(17);
    const f = new CombinedForecaster();
    const value = (i: number) => 50 + 15 * Math.sin((2 * Math.PI * i) / 288) + 3 * gaussian(r);
    let inside = 0;
    let total = 0;
    const out = bands(288);
    const targets = new Float64Array(288);
    let i = 0;
    for (let day = 0; day < 24; day++) {
      if (day >= 10) {
        for (let k = 0; k < 288; k++) targets[k] = (i + k) * MIN5;
        f.forecast(targets, 0.9, out);
      }
      for (let k = 0; k < 288; k++, i++) {
        const y = value(i);
        if (day >= 10) {
          total++;
          if (y >= out.lower[k]! && y <= out.upper[k]!) inside++;
        }
        f.learn(i * MIN5, y);
      }
    }
    const coverage = inside / total;
    assert.ok(coverage > 0.85 && coverage < 0.95, `coverage ${coverage}`);
    assert.ok(total === 14 * 288 && targets[287]! - targets[0]! < DAY);
  });
});
