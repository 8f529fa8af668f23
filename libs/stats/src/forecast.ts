import type { TidelineDetector } from './tideline-detector';

/** One forecast step. */
export interface ForecastPoint {
  t: number;
  mean: number;
  lower90: number;
  upper90: number;
}

/** How far to forecast: a number of steps, or up to a time; `stepMs` defaults to the series' typical spacing. */
export type ForecastHorizon = number | { steps?: number; untilMs?: number; stepMs?: number };

/**
 * h-step forecast of a series from its detector's baseline, with a 90% prediction interval.
 *
 * Mean: the local (deseasonalised) level decaying towards the slow baseline as `(1 − localAlpha)^h` (the forecast
 * function of exponential smoothing towards a long-run mean), plus the seasonal profile in use at each future time,
 * plus the current segment's trend when it is significant (|slope| > 2 standard errors). Variance: the one-step
 * error variance blended towards the slow baseline's error variance with the same weight, plus the slope's
 * uncertainty × Δt² (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, §8.7 prediction intervals
 * for exponential smoothing, in a simplified additive form). Interval: mean ± 1.6449σ.
 *
 * Complexity: O(steps).
 *
 * @example
 * ```ts
 * const d = new TidelineDetector();
 * for (let i = 0; i < 2000; i++) d.scoreAndLearn(i * 300_000, 50 + 10 * Math.sin((2 * Math.PI * i) / 288));
 * const f = forecast(d, 288); // one day of 5-minute steps
 * f.length; // 288
 * ```
 */
export function forecast(detector: TidelineDetector, horizon: ForecastHorizon): ForecastPoint[] {
  const lastT = detector.state[1]!;
  const h = typeof horizon === 'number' ? { steps: horizon } : horizon;
  const stepMs = h.stepMs ?? detector.typicalStepMs();
  if (!(stepMs > 0) || detector.count === 0) return [];
  let steps = h.steps ?? 0;
  if (h.untilMs !== undefined) steps = Math.max(steps, Math.floor((h.untilMs - lastT) / stepMs));
  const out: ForecastPoint[] = [];
  const band = { expected: 0, lower: 0, upper: 0 };
  for (let i = 1; i <= steps; i++) {
    const t = lastT + i * stepMs;
    detector.predictInto(t, 0.9, band);
    out.push({ t, mean: band.expected, lower90: band.lower, upper90: band.upper });
  }
  return out;
}
