// Expected metrics are computed by hand from the definitions (sMAPE, MASE per Hyndman & Koehler 2006) for series
// whose seasonal-naive errors are known exactly.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateForecasters, evaluateForecasts, type ForecastBands, type Forecaster } from './forecast-eval';
import { forecastersFor } from './forecast-output';
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

describe('multi-horizon forecast evaluation', () => {
  const horizons = [
    { label: '1 hour', ms: HOUR },
    { label: '1 day', ms: DAY },
    { label: '7 days', ms: 7 * DAY },
  ];

  it('scores each horizon on the same daily origins, leaving out horizons not wholly observed (staircase, 5 days)', () => {
    const [hour, day, week] = evaluateForecasters(
      [staircase(5)],
      [{ name: 'seasonal-naive', create: () => new SeasonalNaiveForecaster() }],
      { horizons },
    );
    // Origins at rows 72 and 96 (a whole hour, not a whole day, after the second): one hour after them, rows 73
    // (4) and 97 (5), forecast by rows 49 (3) and 73 (4).
    const h = hour!.forecasters['seasonal-naive']!;
    assert.equal(h.points, 2);
    assert.ok(Math.abs(h.smape! - (200 / 7 + 200 / 9) / 2) < 1e-12);
    assert.ok(Math.abs(h.mase! - 1) < 1e-12);
    // The 1-day figures are those of the single-horizon evaluation.
    const single = evaluateForecasts([staircase(5)], () => new SeasonalNaiveForecaster());
    assert.deepEqual(day!.forecasters['seasonal-naive'], single.forecaster);
    assert.equal(week!.forecasters['seasonal-naive']!.origins, 0);
    assert.equal(week!.forecasters['seasonal-naive']!.files_skipped, 1);
  });

  it('names every registered forecaster for "all", and one with seasonal naive beside it otherwise', () => {
    assert.deepEqual(
      forecastersFor('all').map((f) => f.name),
      ['combined', 'tideline', 'seasonal-naive', 'ets'],
    );
    assert.deepEqual(
      forecastersFor('ets').map((f) => f.name),
      ['ets', 'seasonal-naive'],
    );
    assert.throws(() => forecastersFor('prophet'), /unknown forecaster "prophet"/);
  });
});

describe('SeasonalNaiveForecaster', () => {
  it('forecasts d days ahead with the value d days earlier (the last observed day at that time of day)', () => {
    // Hourly for 4 days, value = 100·day + hour: the last point is day 3, 23:00 (323).
    const f = new SeasonalNaiveForecaster();
    for (let i = 0; i < 96; i++) f.learn(i * HOUR, 100 * Math.floor(i / 24) + (i % 24));
    const last = 95 * HOUR;
    const out = { mean: new Float64Array(4), lower: new Float64Array(4), upper: new Float64Array(4) };
    // +1 h: day 4 00:00 ← day 3 00:00; +25 h: day 5 00:00 ← day 3; +30 h: day 5 05:00 ← day 3 05:00; +49 h: day 6.
    f.forecast([last + HOUR, last + 25 * HOUR, last + 30 * HOUR, last + 49 * HOUR], 0.9, out);
    assert.deepEqual([...out.mean], [300, 300, 305, 300]);
  });

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
