import type { EtsParameters, EtsSpec, EtsTrend } from './ets-filter';
import { fitEts, type EtsFit } from './fit-ets';

/** Options of {@link autoEts}. */
export interface AutoEtsOptions {
  /** Candidate season lengths in steps (e.g. one day and one week of steps); 0 (no season) is always a candidate. */
  readonly periods?: readonly number[];
  /** Candidate trends (default all three: none, additive, damped). */
  readonly trends?: readonly EtsTrend[];
  /** Warm starts by candidate, e.g. the parameters of the previous fit of the same series. */
  readonly start?: (spec: EtsSpec) => EtsParameters | undefined;
  /** Optimiser budget per candidate (see `fitEts`). */
  readonly maxEvaluations?: number;
  /** Initial simplex step per candidate (see `fitEts`). */
  readonly step?: (spec: EtsSpec) => number | undefined;
}

/** What {@link autoEts} returns: the chosen fit and every candidate's fit. */
export interface AutoEtsResult {
  readonly best: EtsFit;
  readonly candidates: readonly EtsFit[];
}

const TRENDS: readonly EtsTrend[] = ['none', 'additive', 'damped'];

/**
 * Automatic additive exponential smoothing, like R's `forecast::ets` and statsforecast's `AutoETS` restricted to
 * additive errors and additive seasons: every trend (N, A, Ad) × season (none and each period with at least two
 * full seasons of data) is fitted by {@link fitEts}, and the model with the lowest AICc is chosen (Hyndman,
 * Koehler, Snyder & Grose 2002, "A state space framework for automatic forecasting using exponential smoothing
 * methods", IJF 18(3)). A season needs two full cycles so that its initial terms are estimated from repeated data.
 *
 * Complexity: O(candidates · evaluations · n) time, O(Σ periods) memory.
 *
 * @example
 * ```ts
 * const y = Array.from({ length: 96 }, (_, t) => 20 + 5 * Math.sin((2 * Math.PI * t) / 24) + (t % 5) * 0.1);
 * autoEts(y, { periods: [24] }).best.spec; // { trend: 'none', period: 24 } or another seasonal model
 * ```
 */
export function autoEts(values: ArrayLike<number>, options: AutoEtsOptions = {}): AutoEtsResult {
  const n = values.length;
  const periods = [0, ...(options.periods ?? []).filter((m) => m > 1 && n >= 2 * m)];
  const candidates: EtsFit[] = [];
  for (const period of periods) {
    for (const trend of options.trends ?? TRENDS) {
      const spec = { trend, period };
      const start = options.start?.(spec);
      const step = options.step?.(spec);
      candidates.push(
        fitEts(values, spec, {
          ...(start === undefined ? {} : { start }),
          ...(step === undefined ? {} : { step }),
          ...(options.maxEvaluations === undefined ? {} : { maxEvaluations: options.maxEvaluations }),
        }),
      );
    }
  }
  let best = candidates[0]!;
  for (const c of candidates) if (c.aicc < best.aicc) best = c;
  return { best, candidates };
}
