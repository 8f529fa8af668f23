// Expected metrics are computed by hand from the definitions (sMAPE, MASE per Hyndman & Koehler 2006) for series
// whose seasonal-naive errors are known exactly.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateForecasts, type ForecastBands, type Forecaster } from './forecast-eval';
import { SeasonalNaiveForecaster, quantile } from './seasonal-naive-forecaster';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Hourly points for `days` days; value = day number (1, 2, 3, …): the one-day-lag error is always exactly 1. */
function staircase(days: number) {
  const n = days * 24;
  const timestampsMs = Float64Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 1) + i * HOUR);
  const values = Float64Array.from({ length: n }, (_, i) => Math.floor(i / 24) + 1);
  return { key: 'staircase', timestampsMs, values };
}

class Zero implements Forecaster {
  learn(): void {}
  forecast(targets: ArrayLike<number>, _c: number, out: ForecastBands): void {
    for (let k = 0; k < targets.length; k++) out.mean[k] = out.lower[k] = out.upper[k] = 0;
  }
}

describe('rolling-origin forecast evaluation', () => {
  // 5 days, warm-up 3 days: one origin at row 72 (value 4), targets rows 73..96 (23 × 4 and one 5); the origin at
  // row 96 has no complete day after it.
  it('scores the seasonal-naive forecast of a staircase exactly (MASE 1, full coverage of a zero-width interval)', () => {
    const r = evaluateForecasts([staircase(5)], () => new SeasonalNaiveForecaster());
    assert.equal(r.forecaster.origins, 1);
    assert.equal(r.forecaster.points, 24);
    // sMAPE = (23 · 200·1/7 + 200·1/9) / 24
    assert.ok(Math.abs(r.forecaster.smape! - (23 * (200 / 7) + 200 / 9) / 24) < 1e-9);
    assert.ok(Math.abs(r.forecaster.mase! - 1) < 1e-12);
    assert.equal(r.forecaster.coverage, 1);
  });

  it('scores a forecaster that always says 0: sMAPE 200, MASE = mean |actual| / 1 = 97/24, coverage 0', () => {
    const r = evaluateForecasts([staircase(5)], () => new Zero());
    assert.equal(r.forecaster.smape, 200);
    assert.ok(Math.abs(r.forecaster.mase! - 97 / 24) < 1e-12);
    assert.equal(r.forecaster.coverage, 0);
    assert.ok(Math.abs(r.seasonal_naive.mase! - 1) < 1e-12);
  });

  it('skips series shorter than warm-up + horizon and leaves flat histories out of MASE', () => {
    const flat = { key: 'flat', timestampsMs: staircase(6).timestampsMs, values: new Float64Array(144).fill(7) };
    const r = evaluateForecasts([staircase(3), flat], () => new SeasonalNaiveForecaster());
    assert.equal(r.forecaster.files_skipped, 1);
    assert.equal(r.forecaster.files, 1);
    assert.equal(r.forecaster.mase, null);
    assert.equal(r.forecaster.mase_origins_excluded, r.forecaster.origins);
    assert.equal(r.forecaster.smape, 0);
  });
});

describe('SeasonalNaiveForecaster', () => {
  it('forecasts the last value at or before one day earlier, even with irregular timestamps', () => {
    const f = new SeasonalNaiveForecaster();
    f.learn(0, 10);
    f.learn(5 * HOUR, 20);
    f.learn(DAY + HOUR, 30);
    const out = { mean: new Float64Array(2), lower: new Float64Array(2), upper: new Float64Array(2) };
    f.forecast([DAY + 4 * HOUR, DAY + 6 * HOUR], 0.9, out);
    assert.deepEqual([...out.mean], [10, 20]);
  });

  it('uses R type-7 quantiles for the interval', () => {
    assert.equal(quantile([1, 2, 3, 4, 5], 0.5), 3);
    assert.ok(Math.abs(quantile([1, 2, 3, 4, 5], 0.05) - 1.2) < 1e-12);
    assert.ok(Math.abs(quantile([1, 2, 3, 4, 5], 0.95) - 4.8) < 1e-12);
  });
});
