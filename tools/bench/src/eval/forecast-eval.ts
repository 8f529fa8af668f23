/**
 * Rolling-origin forecast evaluation (Tashman 2000, "Out-of-sample tests of forecasting accuracy", IJF 16(4)): each
 * file is streamed through a fresh forecaster; once it has `warmUpDays` of history, every day a forecast origin is
 * placed, the forecaster predicts every row of the next `horizonMs` (1 day) with a central interval, and the
 * predictions are compared with what then happened. With several horizons (`evaluateForecasters`: 1 hour, 1 day,
 * 7 days), the origins are the same daily ones; an origin counts for a horizon when that whole horizon is observed
 * after it, and each horizon scores the rows up to that far ahead. Pure: the caller supplies the series.
 *
 * Metrics, pooled over all files:
 * - sMAPE: mean over forecast points of 200·|F − A| / (|A| + |F|) (0 when both are 0), in percent.
 * - MASE: mean over origins of MAE(origin) / in-sample MAE of the seasonal-naive (lag one day) forecast on the
 *   history before that origin (Hyndman & Koehler 2006). Origins whose history has zero seasonal-naive error (flat
 *   series) are excluded and counted.
 * - coverage: share of actual values inside the interval (target: the nominal 90%).
 */
import { SeasonalNaiveForecaster } from './seasonal-naive-forecaster';

export interface ForecastBands {
  readonly mean: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/** What the harness needs from a forecaster: learn one point at a time, forecast given future timestamps. */
export interface Forecaster {
  learn(timestampMs: number, value: number): void;
  /** Fills `out` (one entry per target) with the expected value and a central `coverage` interval. */
  forecast(targetsMs: ArrayLike<number>, coverage: number, out: ForecastBands): void;
}

export interface ForecastSeries {
  readonly key: string;
  readonly timestampsMs: Float64Array;
  readonly values: Float64Array;
}

export interface ForecastEvalOptions {
  readonly horizonMs?: number;
  readonly warmUpDays?: number;
  readonly coverage?: number;
  readonly onSeries?: (series: ForecastSeries, done: number) => void;
}

export interface ForecastMetrics {
  readonly files: number;
  readonly files_skipped: number;
  readonly origins: number;
  readonly points: number;
  readonly smape: number | null;
  readonly mase: number | null;
  readonly mase_origins_excluded: number;
  readonly coverage: number | null;
  readonly nominal_coverage: number;
}

const DAY = 86_400_000;

interface Accumulator {
  smapeSum: number;
  points: number;
  inside: number;
  maseSum: number;
  maseN: number;
  maseExcluded: number;
  origins: number;
}

function newAcc(): Accumulator {
  return { smapeSum: 0, points: 0, inside: 0, maseSum: 0, maseN: 0, maseExcluded: 0, origins: 0 };
}

function finish(acc: Accumulator, files: number, skipped: number, coverage: number): ForecastMetrics {
  return {
    files,
    files_skipped: skipped,
    origins: acc.origins,
    points: acc.points,
    smape: acc.points === 0 ? null : acc.smapeSum / acc.points,
    mase: acc.maseN === 0 ? null : acc.maseSum / acc.maseN,
    mase_origins_excluded: acc.maseExcluded,
    coverage: acc.points === 0 ? null : acc.inside / acc.points,
    nominal_coverage: coverage,
  };
}

/**
 * Evaluates `create()` (and the seasonal-naive baseline, which also supplies the MASE scale) on every series that
 * spans at least warm-up + horizon.
 */
export function evaluateForecasts(
  series: readonly ForecastSeries[],
  create: () => Forecaster,
  options: ForecastEvalOptions = {},
): { forecaster: ForecastMetrics; seasonal_naive: ForecastMetrics } {
  const horizon = options.horizonMs ?? DAY;
  const warmUp = (options.warmUpDays ?? 3) * DAY;
  const coverage = options.coverage ?? 0.9;
  const acc = newAcc();
  const base = newAcc();
  let files = 0;
  let skipped = 0;
  series.forEach((s, index) => {
    const n = s.values.length;
    const t = s.timestampsMs;
    if (n < 2 || t[n - 1]! - t[0]! < warmUp + horizon) {
      skipped++;
      options.onSeries?.(s, index + 1);
      return;
    }
    files++;
    const model = create();
    const naive = new SeasonalNaiveForecaster();
    const bands = { mean: new Float64Array(n), lower: new Float64Array(n), upper: new Float64Array(n) };
    const naiveBands = { mean: new Float64Array(n), lower: new Float64Array(n), upper: new Float64Array(n) };
    let nextOrigin = t[0]! + warmUp;
    for (let i = 0; i < n; i++) {
      model.learn(t[i]!, s.values[i]!);
      naive.learn(t[i]!, s.values[i]!);
      if (t[i]! < nextOrigin || i === n - 1) continue;
      // Targets: the following rows up to one horizon ahead; the origin counts only if the whole horizon is observed.
      let end = i + 1;
      while (end < n && t[end]! <= t[i]! + horizon) end++;
      if (end === n && t[n - 1]! < t[i]! + horizon) break;
      nextOrigin = t[i]! + horizon;
      if (end === i + 1) continue; // a gap longer than the horizon: nothing to forecast from this origin
      const targets = t.subarray(i + 1, end);
      const scale = naive.seasonalNaiveMae();
      model.forecast(targets, coverage, bands);
      naive.forecast(targets, coverage, naiveBands);
      accumulate(acc, bands, s.values, i + 1, end, scale);
      accumulate(base, naiveBands, s.values, i + 1, end, scale);
    }
    options.onSeries?.(s, index + 1);
  });
  return { forecaster: finish(acc, files, skipped, coverage), seasonal_naive: finish(base, files, skipped, coverage) };
}

function accumulate(
  acc: Accumulator,
  bands: ForecastBands,
  actual: ArrayLike<number>,
  from: number,
  to: number,
  scale: number | undefined,
): void {
  let absSum = 0;
  for (let r = from; r < to; r++) {
    const k = r - from;
    const a = actual[r]!;
    const f = bands.mean[k]!;
    const err = Math.abs(f - a);
    const denom = Math.abs(a) + Math.abs(f);
    acc.smapeSum += denom === 0 ? 0 : (200 * err) / denom;
    absSum += err;
    if (a >= bands.lower[k]! && a <= bands.upper[k]!) acc.inside++;
    acc.points++;
  }
  acc.origins++;
  if (scale === undefined || scale === 0) acc.maseExcluded++;
  else {
    acc.maseSum += absSum / (to - from) / scale;
    acc.maseN++;
  }
}

export const HOUR = 3_600_000;

/** A horizon of the multi-horizon evaluation. */
export interface ForecastHorizonSpec {
  readonly label: string;
  readonly ms: number;
}

/** The horizons issue #15 asks for: an hour, a day, a week ahead. */
export const FORECAST_HORIZONS: readonly ForecastHorizonSpec[] = [
  { label: '1 hour', ms: HOUR },
  { label: '1 day', ms: DAY },
  { label: '7 days', ms: 7 * DAY },
];

export interface NamedForecasterFactory {
  readonly name: string;
  readonly create: () => Forecaster;
}

export interface MultiForecastOptions {
  readonly horizons?: readonly ForecastHorizonSpec[];
  readonly warmUpDays?: number;
  readonly coverage?: number;
  /** Distance between origins (default one day). */
  readonly originEveryMs?: number;
  readonly onSeries?: (series: ForecastSeries, done: number) => void;
}

/** Metrics of every forecaster at one horizon; `files` counts the series with at least one origin at it. */
export interface HorizonResult {
  readonly horizon: string;
  readonly horizon_ms: number;
  readonly forecasters: Readonly<Record<string, ForecastMetrics>>;
}

/**
 * Evaluates several forecasters on the same origins and horizons. Each file is streamed once through a fresh
 * instance of every forecaster; at each origin each forecaster forecasts every row up to the longest horizon
 * observed after it, and every horizon scores its leading part. MASE is scaled by the in-sample MAE of the
 * one-day seasonal-naive forecast on the history before the origin, at every horizon.
 */
export function evaluateForecasters(
  series: readonly ForecastSeries[],
  forecasters: readonly NamedForecasterFactory[],
  options: MultiForecastOptions = {},
): HorizonResult[] {
  const horizons = options.horizons ?? FORECAST_HORIZONS;
  const warmUp = (options.warmUpDays ?? 3) * DAY;
  const every = options.originEveryMs ?? DAY;
  const coverage = options.coverage ?? 0.9;
  const shortest = Math.min(...horizons.map((h) => h.ms));
  const acc = horizons.map(() => forecasters.map(() => newAcc()));
  const files = horizons.map(() => 0);
  const skipped = horizons.map(() => 0);
  series.forEach((s, index) => {
    const n = s.values.length;
    const t = s.timestampsMs;
    if (n < 2 || t[n - 1]! - t[0]! < warmUp + shortest) {
      horizons.forEach((_, h) => skipped[h]!++);
      options.onSeries?.(s, index + 1);
      return;
    }
    const models = forecasters.map((f) => f.create());
    const scale = new SeasonalNaiveForecaster();
    const bands = forecasters.map(() => ({
      mean: new Float64Array(n),
      lower: new Float64Array(n),
      upper: new Float64Array(n),
    }));
    const seen = horizons.map(() => false);
    let nextOrigin = t[0]! + warmUp;
    for (let i = 0; i < n; i++) {
      for (const m of models) m.learn(t[i]!, s.values[i]!);
      scale.learn(t[i]!, s.values[i]!);
      if (t[i]! < nextOrigin || i === n - 1) continue;
      if (t[n - 1]! < t[i]! + shortest) break;
      nextOrigin = t[i]! + every;
      // Rows up to each horizon; horizons not wholly observed after this origin are left out of it.
      const ends = horizons.map((h) => {
        if (t[n - 1]! < t[i]! + h.ms) return -1;
        let end = i + 1;
        while (end < n && t[end]! <= t[i]! + h.ms) end++;
        return end;
      });
      const last = Math.max(...ends);
      if (last <= i + 1) continue; // a gap longer than every horizon: nothing to forecast from this origin
      const targets = t.subarray(i + 1, last);
      const mase = scale.seasonalNaiveMae();
      models.forEach((m, f) => m.forecast(targets, coverage, bands[f]!));
      horizons.forEach((_, h) => {
        const end = ends[h]!;
        if (end <= i + 1) return;
        seen[h] = true;
        forecasters.forEach((_, f) => accumulate(acc[h]![f]!, bands[f]!, s.values, i + 1, end, mase));
      });
    }
    horizons.forEach((_, h) => (seen[h] ? files[h]!++ : skipped[h]!++));
    options.onSeries?.(s, index + 1);
  });
  return horizons.map((h, hi) => ({
    horizon: h.label,
    horizon_ms: h.ms,
    forecasters: Object.fromEntries(
      forecasters.map((f, fi) => [f.name, finish(acc[hi]![fi]!, files[hi]!, skipped[hi]!, coverage)]),
    ),
  }));
}
