import type { EtsParameters, EtsSpec, EtsState } from './ets-filter';

/**
 * h-step forecasts of additive-error exponential smoothing from a state, with the model's forecast variance.
 *
 * Mean: ℓ + φₕb + s₍ₕ₋₁₎ mod m, φₕ = φ + φ² + … + φʰ (h for an undamped trend). Variance: σ²[1 + Σⱼ₌₁ʰ⁻¹ cⱼ²],
 * cⱼ = α + βφⱼ + γ·[j mod m = 0] (the class-1 variance formula, Hyndman, Koehler, Ord & Snyder 2008, *Forecasting
 * with Exponential Smoothing*, §6.3 and Table 6.1; Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*,
 * 3rd ed., Table 8.8).
 *
 * Complexity: O(h) time for h = `mean.length`, no allocation.
 *
 * @example
 * ```ts
 * const mean = new Float64Array(3);
 * const variance = new Float64Array(3);
 * etsForecast({ trend: 'additive', period: 0 }, { alpha: 0.5, beta: 0.1, gamma: 0, phi: 1 },
 *   { level: 10, trend: 1, season: new Float64Array(0) }, 4, mean, variance);
 * [...mean]; // [11, 12, 13]
 * variance[1]; // 4·(1 + 0.6²) = 5.44
 * ```
 */
export function etsForecast(
  spec: EtsSpec,
  params: EtsParameters,
  state: EtsState,
  sigma2: number,
  mean: Float64Array,
  variance?: Float64Array,
): void {
  const m = spec.period;
  const hasTrend = spec.trend !== 'none';
  const phi = spec.trend === 'damped' ? params.phi : 1;
  const beta = hasTrend ? params.beta : 0;
  const gamma = m > 0 ? params.gamma : 0;
  let phiSum = 0;
  let phiPower = 1;
  let cumulative = 0;
  for (let h = 1; h <= mean.length; h++) {
    if (hasTrend) {
      phiPower *= phi;
      phiSum += phiPower;
    }
    mean[h - 1] = state.level + phiSum * state.trend + (m > 0 ? state.season[(h - 1) % m]! : 0);
    if (variance !== undefined) {
      variance[h - 1] = sigma2 * (1 + cumulative);
      // c_h for the next step: φ_h is phiSum now.
      const c = params.alpha + beta * phiSum + (m > 0 && h % m === 0 ? gamma : 0);
      cumulative += c * c;
    }
  }
}
