import { autoEts } from './auto-ets';
import type { EtsParameters, EtsSpec } from './ets-filter';
import { etsForecast } from './ets-forecast';
import type { EtsFit } from './fit-ets';
import { normalQuantile } from './normal-quantile';
import { regularGrid } from './regular-grid';

/** Forecasts at given times: expected value and a central interval, one entry per target. */
export interface ForecastBandsOut {
  readonly mean: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/** Options of {@link AutoEtsForecaster}. */
export interface AutoEtsForecasterOptions {
  /** History kept and fitted (default 28 days). */
  readonly windowMs?: number;
  /** Candidate seasons (default one day and one week); a season is tried once the window holds two of it. */
  readonly seasonsMs?: readonly number[];
}

const DAY = 86_400_000;

/**
 * Automatic exponential smoothing for irregular timestamped series: keeps the last `windowMs` of points, and at
 * each forecast puts them on a regular grid at the series' median spacing ({@link regularGrid}), fits every
 * additive model — trend none / additive / damped × season none / one day / one week — by least squares and keeps
 * the one with the lowest AICc ({@link autoEts}), warm-starting each candidate from its previous fit. Targets are
 * forecast at the nearest grid step ahead; the interval is the model's Gaussian prediction interval (mean ± z·√vₕ,
 * class-1 variance, `etsForecast`).
 *
 * Method: Hyndman, Koehler, Snyder & Grose 2002 (automatic ETS by AICc), additive-error models only.
 *
 * Complexity: O(1) amortised per learned point; a forecast costs O(candidates · evaluations · window points).
 *
 * @example
 * ```ts
 * const f = new AutoEtsForecaster();
 * for (let i = 0; i < 288 * 4; i++) f.learn(i * 300_000, 50 + 10 * Math.sin((2 * Math.PI * i) / 288));
 * const out = { mean: new Float64Array(1), lower: new Float64Array(1), upper: new Float64Array(1) };
 * f.forecast([288 * 4 * 300_000], 0.9, out); // ≈ 50, one day after the first point
 * ```
 */
export class AutoEtsForecaster {
  private readonly windowMs: number;
  private readonly seasonsMs: readonly number[];
  private ts = new Float64Array(1024);
  private vs = new Float64Array(1024);
  private start = 0;
  private end = 0;
  private readonly previous = new Map<string, EtsParameters>();
  /** The model chosen at the last forecast (for inspection). */
  lastFit: EtsFit | undefined;

  constructor(options: AutoEtsForecasterOptions = {}) {
    this.windowMs = options.windowMs ?? 28 * DAY;
    this.seasonsMs = options.seasonsMs ?? [DAY, 7 * DAY];
  }

  learn(timestampMs: number, value: number): void {
    if (!Number.isFinite(value) || !Number.isFinite(timestampMs)) return;
    if (this.end === this.ts.length) this.compact();
    this.ts[this.end] = timestampMs;
    this.vs[this.end] = value;
    this.end++;
    while (this.start < this.end && this.ts[this.start]! < timestampMs - this.windowMs) this.start++;
  }

  /** Fits the model to the kept history and fills `out` for every target time (ms). */
  forecast(targetsMs: ArrayLike<number>, coverage: number, out: ForecastBandsOut): void {
    const n = this.end - this.start;
    if (n < 3) {
      const last = n > 0 ? this.vs[this.end - 1]! : 0;
      for (let k = 0; k < targetsMs.length; k++) out.mean[k] = out.lower[k] = out.upper[k] = last;
      return;
    }
    const step = this.medianStep();
    const grid = regularGrid(this.ts, this.vs, step, this.start, this.end);
    const periods = this.seasonsMs.map((s) => Math.round(s / step)).filter((m) => m > 1);
    const result = autoEts(grid.values, {
      periods,
      start: (spec) => this.previous.get(key(spec)),
    });
    for (const c of result.candidates) this.previous.set(key(c.spec), c.params);
    const fit = result.best;
    this.lastFit = fit;
    let steps = 1;
    for (let k = 0; k < targetsMs.length; k++)
      steps = Math.max(steps, this.stepsAhead(targetsMs[k]!, grid.endMs, step));
    const mean = new Float64Array(steps);
    const variance = new Float64Array(steps);
    etsForecast(fit.spec, fit.params, fit.state, fit.sigma2, mean, variance);
    const z = normalQuantile(1 - (1 - coverage) / 2);
    for (let k = 0; k < targetsMs.length; k++) {
      const h = this.stepsAhead(targetsMs[k]!, grid.endMs, step) - 1;
      const half = z * Math.sqrt(variance[h]!);
      out.mean[k] = mean[h]!;
      out.lower[k] = mean[h]! - half;
      out.upper[k] = mean[h]! + half;
    }
  }

  private stepsAhead(t: number, endMs: number, step: number): number {
    return Math.max(1, Math.round((t - endMs) / step));
  }

  /** Median spacing of the last (up to) 1,000 kept points; ties of duplicate timestamps are ignored. */
  private medianStep(): number {
    const from = Math.max(this.start + 1, this.end - 1000);
    const gaps: number[] = [];
    for (let i = from; i < this.end; i++) {
      const d = this.ts[i]! - this.ts[i - 1]!;
      if (d > 0) gaps.push(d);
    }
    if (gaps.length === 0) return 1;
    gaps.sort((a, b) => a - b);
    return gaps[gaps.length >> 1]!;
  }

  private compact(): void {
    const kept = this.end - this.start;
    const size = kept * 2 > this.ts.length ? this.ts.length * 2 : this.ts.length;
    const ts = new Float64Array(size);
    const vs = new Float64Array(size);
    ts.set(this.ts.subarray(this.start, this.end));
    vs.set(this.vs.subarray(this.start, this.end));
    this.ts = ts;
    this.vs = vs;
    this.start = 0;
    this.end = kept;
  }
}

function key(spec: EtsSpec): string {
  return `${spec.trend}/${spec.period}`;
}
