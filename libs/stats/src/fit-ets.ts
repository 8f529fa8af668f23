import { etsFilter, type EtsParameters, type EtsSpec, type EtsState } from './ets-filter';
import { etsInitialState } from './ets-initial-state';
import { nelderMead } from './nelder-mead';

/** Options of {@link fitEts}. */
export interface FitEtsOptions {
  /** Starting parameters (e.g. the previous fit of the same series); default α 0.2, β 0.02, γ 0.1, φ 0.95. */
  readonly start?: EtsParameters;
  /** Initial state; default {@link etsInitialState} of the values (statsmodels' `initialization_method='known'`). */
  readonly initial?: EtsState;
  /** Evaluation budget of the optimiser (default 60 per free parameter + 20). */
  readonly maxEvaluations?: number;
  /** Initial simplex step of every parameter (default −0.05: towards smaller values, which stay admissible). */
  readonly step?: number;
}

/** A fitted model: what {@link fitEts} and `autoEts` return. */
export interface EtsFit {
  readonly spec: EtsSpec;
  readonly params: EtsParameters;
  readonly initial: EtsState;
  /** State after the last value: forecasts start here. */
  readonly state: EtsState;
  readonly sse: number;
  readonly observations: number;
  /** One-step error variance SSE / n. */
  readonly sigma2: number;
  /** Number of estimated parameters (smoothing, initial states, σ²), as counted by the AICc. */
  readonly parameters: number;
  /** Corrected Akaike information criterion; Infinity when there are too few observations for the parameters. */
  readonly aicc: number;
  readonly evaluations: number;
}

/** The admissible ("usual") region of Hyndman et al. 2008 §10.2, as forecast::ets bounds it. */
const ALPHA_MIN = 1e-4;
const ALPHA_MAX = 0.9999;
const PHI_MIN = 0.8;
const PHI_MAX = 0.98;

/** Free coordinates present in a model: α always, β with a trend, γ with a season, φ when damped. */
function toParams(x: Float64Array, spec: EtsSpec): EtsParameters {
  let i = 0;
  const alpha = x[i++]!;
  const beta = spec.trend === 'none' ? 0 : x[i++]!;
  const gamma = spec.period > 0 ? x[i++]! : 0;
  const phi = spec.trend === 'damped' ? x[i++]! : 1;
  return { alpha, beta, gamma, phi };
}

/** 0 < α < 1, 0 ≤ β ≤ α, 0 ≤ γ ≤ 1 − α, 0.8 ≤ φ ≤ 0.98 (φ = 1 when not damped). */
function admissible(p: EtsParameters, spec: EtsSpec): boolean {
  return (
    p.alpha >= ALPHA_MIN &&
    p.alpha <= ALPHA_MAX &&
    p.beta >= 0 &&
    p.beta <= p.alpha &&
    p.gamma >= 0 &&
    p.gamma <= 1 - p.alpha &&
    (spec.trend === 'damped' ? p.phi >= PHI_MIN && p.phi <= PHI_MAX : p.phi === 1)
  );
}

/** A starting point moved inside the region (so that the first simplex vertex is admissible). */
function toFree(p: EtsParameters, spec: EtsSpec): number[] {
  const alpha = Math.min(ALPHA_MAX - 0.05, Math.max(ALPHA_MIN + 0.01, p.alpha));
  const x = [alpha];
  if (spec.trend !== 'none') x.push(Math.min(0.9 * alpha, Math.max(0, p.beta)));
  if (spec.period > 0) x.push(Math.min(0.9 * (1 - alpha), Math.max(0, p.gamma)));
  if (spec.trend === 'damped') x.push(Math.min(PHI_MAX, Math.max(PHI_MIN, p.phi)));
  return x;
}

/**
 * Fits the smoothing parameters of one additive-error exponential-smoothing model to a regular series (NaN =
 * missing) by least squares of the one-step errors — the maximum-likelihood estimate for additive Gaussian errors
 * with σ² profiled out — using the {@link nelderMead} simplex on the parameters themselves, a point outside the
 * usual region (0 < α < 1, 0 ≤ β ≤ α, 0 ≤ γ ≤ 1 − α, 0.8 ≤ φ ≤ 0.98) scoring +∞, as R's `forecast::ets` does.
 * The initial state is not optimised (too many seasonal terms for a simplex): it comes from {@link etsInitialState}
 * or the caller.
 *
 * AICc = n·ln(SSE/n) + n(1 + ln 2π) + 2k + 2k(k + 1)/(n − k − 1) (Hyndman et al. 2008 §7.1; Hurvich & Tsai 1989),
 * k = smoothing parameters + initial level + initial trend (if any) + m − 1 seasonal terms + σ², as R's `ets` counts
 * them. The heuristic seasonal terms are counted although the likelihood does not choose them: they are fitted to
 * the data all the same, and a season of 288 five-minute steps must earn its 287 numbers (R's `ets` refuses
 * seasons longer than 24 steps altogether).
 *
 * Complexity: O(n) per evaluation, at most `maxEvaluations` evaluations; O(m) memory besides the input.
 *
 * @example
 * ```ts
 * const y = Array.from({ length: 200 }, (_, t) => 10 + 0.1 * t + (t % 4 < 2 ? 1 : -1) + 0.1 * Math.sin(t * 7.3));
 * const fit = fitEts(y, { trend: 'additive', period: 4 });
 * fit.params.alpha; // in (0, 1); fit.state is where forecasts start
 * ```
 */
export function fitEts(values: ArrayLike<number>, spec: EtsSpec, options: FitEtsOptions = {}): EtsFit {
  const initial = options.initial ?? etsInitialState(values, spec);
  const start = options.start ?? { alpha: 0.2, beta: 0.02, gamma: 0.1, phi: 0.95 };
  const free = toFree(start, spec);
  const objective = (x: Float64Array) => {
    const p = toParams(x, spec);
    if (!admissible(p, spec)) return Infinity;
    return etsFilter(values, spec, p, initial).sse;
  };
  const result = nelderMead(objective, free, {
    step: options.step ?? -0.05,
    maxEvaluations: options.maxEvaluations ?? 60 * free.length + 20,
    tolerance: 1e-9,
  });
  const params = toParams(result.x, spec);
  const run = etsFilter(values, spec, params, initial);
  const n = run.observations;
  const k = free.length + 1 + (spec.trend === 'none' ? 0 : 1) + Math.max(0, spec.period - 1) + 1;
  const sigma2 = n > 0 ? run.sse / n : NaN;
  const aicc =
    n - k - 1 > 0 && sigma2 > 0
      ? n * Math.log(sigma2) + n * (1 + Math.log(2 * Math.PI)) + 2 * k + (2 * k * (k + 1)) / (n - k - 1)
      : n - k - 1 > 0 && sigma2 === 0
        ? -Infinity
        : Infinity;
  return {
    spec,
    params,
    initial,
    state: run.state,
    sse: run.sse,
    observations: n,
    sigma2,
    parameters: k,
    aicc,
    evaluations: result.evaluations + 1,
  };
}
