/** Trend component of an exponential-smoothing model: none (N), additive (A) or additive damped (Ad). */
export type EtsTrend = 'none' | 'additive' | 'damped';

/** Which additive-error exponential-smoothing model: ETS(A, trend, A or N) in the taxonomy of Hyndman et al. 2008. */
export interface EtsSpec {
  readonly trend: EtsTrend;
  /** Season length in steps (288 = one day of 5-minute steps); 0 = no seasonal component. */
  readonly period: number;
}

/**
 * Smoothing parameters in error-correction form (Hyndman, Koehler, Ord & Snyder 2008, *Forecasting with
 * Exponential Smoothing*, Table 2.3). statsmodels' `ExponentialSmoothing` uses the component form: its
 * `smoothing_level` is α, its `smoothing_trend` is β/α, its `smoothing_seasonal` is γ, its `damping_trend` is φ.
 */
export interface EtsParameters {
  readonly alpha: number;
  /** Ignored without a trend. */
  readonly beta: number;
  /** Ignored without a season. */
  readonly gamma: number;
  /** Damping; 1 for an undamped trend, ignored without a trend. */
  readonly phi: number;
}

/** Level, trend and season after some step: the whole memory of the model. */
export interface EtsState {
  readonly level: number;
  readonly trend: number;
  /** `season[k]` is the seasonal term of the k-th next step (k = 0 is the next one); empty without a season. */
  readonly season: Float64Array;
}

/** What {@link etsFilter} returns. */
export interface EtsFilterResult {
  /** Sum of squared one-step errors over the observed (finite) values. */
  readonly sse: number;
  /** Number of finite values. */
  readonly observations: number;
  /** State after the last value. */
  readonly state: EtsState;
}

/**
 * Runs additive-error exponential smoothing over a regular series and returns its one-step squared errors and final
 * state. With e = y − (ℓ + φb + s₋ₘ): ℓ ← ℓ + φb + αe, b ← φb + βe, s ← s₋ₘ + γe (the state-space recursions of
 * ETS(A, Ad, A), Hyndman et al. 2008 §2.5; N and A trends are b = 0 and φ = 1). A missing value (NaN, an empty
 * slot of a resampled grid) advances the state without correcting it, as the state-space model prescribes. This is
 * the recursion statsmodels' `ExponentialSmoothing` computes (checked in the test on NAB series).
 *
 * Complexity: O(n) time, O(period) memory; `fitted`, when given (length ≥ n), receives the one-step predictions.
 *
 * @example
 * ```ts
 * const r = etsFilter([1, 3, 4, 7], { trend: 'additive', period: 2 }, { alpha: 0.5, beta: 0.25, gamma: 0.5, phi: 1 },
 *   { level: 2, trend: 2, season: Float64Array.from([-1, 1]) });
 * r.observations; // 4
 * ```
 */
export function etsFilter(
  values: ArrayLike<number>,
  spec: EtsSpec,
  params: EtsParameters,
  initial: EtsState,
  fitted?: Float64Array,
): EtsFilterResult {
  const m = spec.period;
  const hasTrend = spec.trend !== 'none';
  const phi = spec.trend === 'damped' ? params.phi : 1;
  const alpha = params.alpha;
  const beta = hasTrend ? params.beta : 0;
  const gamma = m > 0 ? params.gamma : 0;
  const ring = Float64Array.from(initial.season);
  let level = initial.level;
  let trend = hasTrend ? initial.trend : 0;
  let sse = 0;
  let observations = 0;
  let p = 0;
  const n = values.length;
  for (let t = 0; t < n; t++) {
    const s = m > 0 ? ring[p]! : 0;
    const damped = phi * trend;
    const prediction = level + damped + s;
    if (fitted !== undefined) fitted[t] = prediction;
    const y = values[t]!;
    if (y === y && y !== Infinity && y !== -Infinity) {
      const e = y - prediction;
      sse += e * e;
      observations++;
      level = level + damped + alpha * e;
      trend = damped + beta * e;
      if (m > 0) ring[p] = s + gamma * e;
    } else {
      level += damped;
      trend = damped;
    }
    if (m > 0) p = p + 1 === m ? 0 : p + 1;
  }
  const season = new Float64Array(m);
  for (let k = 0; k < m; k++) season[k] = ring[(p + k) % m]!;
  return { sse, observations, state: { level, trend, season } };
}
