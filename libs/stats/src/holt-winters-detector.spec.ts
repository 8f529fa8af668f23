// Oracles: statsmodels 0.15.0, `ExponentialSmoothing(y[4:], trend='add', seasonal='add', seasonal_periods=4,
// initialization_method='known', initial_level=11.274999999999999, initial_trend=-1.0666666666666664,
// initial_seasonal=[1.7250000000000014, -1.174999999999999, 0.9250000000000007, -1.4749999999999979])
// .fit(smoothing_level=0.3, smoothing_trend=0.1, smoothing_seasonal=0.1, optimized=False)`, where y is SERIES below
// and the initial values are river's online initialisation from its first 4 values (mean, mean first difference,
// value minus mean): `.fittedvalues` are the one-step predictions, `.forecast(1)` the next one. The two-season hand
// computation is written out in its test.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HoltWintersDetector } from './holt-winters-detector';

const SERIES = [13.0, 10.1, 12.2, 9.8, 15.9, 11.5, 13.6, 12.7, 17.3, 14.4, 15.0, 14.1, 20.2, 15.8, 17.9, 15.5];
const STATSMODELS_FITTED = [
  11.933333333333334, 9.275666666666666, 11.162029999999998, 8.685623433333333, 12.79923680033333, 10.52288905322333,
  13.371355958649632, 11.230419103688554, 15.435515405405143, 13.5701134658556, 16.044344238941623, 14.447192818972328,
];
const STATSMODELS_FORECAST = 18.593832398056882;
const MINUTE = 60_000;

function close(actual: number, expected: number, tol = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} vs ${expected}`);
}

describe('HoltWintersDetector', () => {
  it('follows the additive Holt–Winters recursion of statsmodels for every one-step prediction', () => {
    const hw = new HoltWintersDetector({ alpha: 0.3, beta: 0.1, gamma: 0.1, seasonLength: 4 });
    SERIES.forEach((y, i) => {
      if (i >= 4) close(hw.prediction, STATSMODELS_FITTED[i - 4]!);
      else assert.ok(Number.isNaN(hw.prediction));
      hw.scoreAndLearn(i * MINUTE, y);
    });
    close(hw.prediction, STATSMODELS_FORECAST);
  });

  it('matches a two-season recursion computed by hand (α = β = γ = 0.5, values 1, 3, 4, 7)', () => {
    // Initialisation from [1, 3]: ℓ = 2, b = 2, s = [−1, 1]. Then y = 4: ŷ = 2 + 2 − 1 = 3;
    // ℓ = ½(4 + 1) + ½(2 + 2) = 4.5; b = ½(4.5 − 2) + ½·2 = 2.25; s₁ = ½(4 − 4) + ½(−1) = −0.5; next ŷ = 4.5 + 2.25 + 1.
    // y = 7: ℓ = ½(7 − 1) + ½·6.75 = 6.375; b = ½(1.875) + ½·2.25 = 2.0625; s₂ = ½(7 − 6.75) + ½·1 = 0.625;
    // next ŷ = 6.375 + 2.0625 − 0.5 = 7.9375.
    const hw = new HoltWintersDetector({ alpha: 0.5, beta: 0.5, gamma: 0.5, seasonLength: 2 });
    hw.scoreAndLearn(0, 1);
    hw.scoreAndLearn(MINUTE, 3);
    assert.equal(hw.prediction, 3);
    hw.scoreAndLearn(2 * MINUTE, 4);
    assert.equal(hw.prediction, 7.75);
    hw.scoreAndLearn(3 * MINUTE, 7);
    assert.equal(hw.prediction, 7.9375);
    // Residuals 1 and −0.75: σ = √((1 + 0.5625) / 2).
    close(hw.residualSigma, Math.sqrt(1.5625 / 2), 1e-15);
  });

  it('scores r/(1 + r), r = |residual| / (3.5 σ), σ the root mean square of the earlier residuals', () => {
    const hw = new HoltWintersDetector({ alpha: 0.3, beta: 0.1, gamma: 0.1, seasonLength: 4, warmUpResiduals: 1 });
    const scores = SERIES.map((y, i) => hw.scoreAndLearn(i * MINUTE, y));
    assert.deepEqual(scores.slice(0, 5), [0, 0, 0, 0, 0]);
    // statsmodels residuals y − fitted of the 5th and 6th points.
    const e0 = SERIES[4]! - STATSMODELS_FITTED[0]!;
    const e1 = SERIES[5]! - STATSMODELS_FITTED[1]!;
    const r = Math.abs(e1) / (3.5 * Math.abs(e0));
    close(scores[5]!, r / (1 + r));
    // The band's edge scores exactly one half.
    const edge = new HoltWintersDetector({ seasonLength: 0, alpha: 1, beta: 0, warmUpResiduals: 1 });
    // From [0, 1]: ℓ = 0.5, b = 1. y = 2: ŷ = 1.5, residual 0.5, ℓ = 2 (α = 1), b stays 1 (β = 0).
    [0, 1, 2].forEach((y, i) => edge.scoreAndLearn(i, y));
    edge.scoreAndLearn(3, 5); // ŷ = 3, residual 2, ℓ = 5
    const sigma = Math.sqrt((0.25 + 4) / 2);
    close(edge.scoreAndLearn(4, 6 + 3.5 * sigma), 0.5, 1e-12); // ŷ = 6
  });

  it('scores nothing before the σ rests on warmUpResiduals residuals', () => {
    const hw = new HoltWintersDetector({ seasonLength: 0 });
    const scores = [1, 2, 3, 50, 4, 5, 6, 7, 8, 9, 10, 11, 500].map((y, i) => hw.scoreAndLearn(i, y));
    // 2 initialisation points, then 10 residuals unscored; the 13th point is the first scored.
    assert.deepEqual(scores.slice(0, 12), new Array(12).fill(0));
    assert.ok(scores[12]! > 0.5);
  });

  it('takes one day of points at the median sampling step as its season, none beyond 288 points a day', () => {
    const season = (stepMs: number, jitter: (i: number) => number = () => 0) => {
      const hw = new HoltWintersDetector();
      for (let i = 0; i < HoltWintersDetector.STEP_PROBE; i++) hw.scoreAndLearn(i * stepMs + jitter(i), i);
      return hw.seasonLength;
    };
    assert.equal(season(5 * MINUTE), 288);
    assert.equal(season(30 * MINUTE), 48);
    assert.equal(season(60 * MINUTE), 24);
    assert.equal(season(MINUTE), 0); // 1,440 points a day: beyond the cap
    assert.equal(season(86_400_000), 0); // one point a day
    // Irregular arrivals (one gap of 4 minutes, one 2-hour hole, the rest 5 minutes): the median gap is 5 minutes.
    assert.equal(
      season(5 * MINUTE, (i) => (i >= 3 ? -MINUTE : 0) + (i >= 6 ? 7_200_000 : 0)),
      288,
    );
    assert.equal(new HoltWintersDetector().seasonLength, -1);
  });

  it('learns the values buffered while the season length was undecided once it is known', () => {
    // Hourly points: m = 24, so the 9 probed points stay buffered until 24 have arrived.
    const hw = new HoltWintersDetector({ seasonLength: 'daily' });
    const day = (i: number) => 10 + Math.sin((2 * Math.PI * i) / 24);
    for (let i = 0; i < 24; i++) assert.equal(hw.scoreAndLearn(i * 3_600_000, day(i)), 0);
    assert.equal(hw.seasonLength, 24);
    // A perfectly repeating day: the seasonal indices predict the second day exactly up to the (small) trend.
    assert.ok(Math.abs(hw.prediction - day(24)) < 0.1, String(hw.prediction));
  });

  it('rejects smoothing constants outside their ranges', () => {
    assert.throws(() => new HoltWintersDetector({ alpha: 0 }), RangeError);
    assert.throws(() => new HoltWintersDetector({ beta: 1.5 }), RangeError);
    assert.throws(() => new HoltWintersDetector({ seasonLength: 1 }), RangeError);
  });

  it('returns scores in [0, 1] for any values and timestamps, NaN and infinities included (property)', () => {
    const value = fc.oneof(
      fc.double({ min: -1e12, max: 1e12, noNaN: true }),
      fc.constantFrom(NaN, Infinity, -Infinity, 0, 1e300, -1e300),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -1e6, max: 1e6 }), value), { minLength: 1, maxLength: 400 }),
        fc.constantFrom<'daily' | number>('daily', 0, 2, 7),
        (points, seasonLength) => {
          const hw = new HoltWintersDetector({ seasonLength, maxSeasonLength: 12, warmUpResiduals: 1 });
          let t = 0;
          for (const [dt, x] of points) {
            t += dt * 1000;
            const s = hw.scoreAndLearn(t, x);
            assert.ok(s >= 0 && s <= 1, String(s));
          }
        },
      ),
    );
  });
});
