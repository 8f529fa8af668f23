/** Options of {@link nelderMead}. */
export interface NelderMeadOptions {
  /** Initial simplex: vertex i is `x0` with coordinate i moved by `step` (default 0.5). */
  readonly step?: number;
  /** Stop after this many evaluations of `f` (default 200·dimension). */
  readonly maxEvaluations?: number;
  /** Stop when the best and worst values of the simplex differ by at most this (default 1e-10, relative). */
  readonly tolerance?: number;
}

/** Result of {@link nelderMead}. */
export interface NelderMeadResult {
  /** Best point found. */
  readonly x: Float64Array;
  /** `f(x)`. */
  readonly value: number;
  /** Number of evaluations of `f`. */
  readonly evaluations: number;
}

/**
 * Minimises `f` over ℝⁿ with the Nelder–Mead downhill simplex, with the standard coefficients (reflection 1,
 * expansion 2, contraction ½, shrink ½) in the formulation of Lagarias, Reeds, Wright & Wright 1998, "Convergence
 * properties of the Nelder–Mead simplex method in low dimensions", SIAM J. Optim. 9(1) (inside contraction when the
 * reflected point is worse than the worst vertex, outside contraction otherwise). Derivative-free: used to fit the
 * few smoothing parameters of exponential smoothing, whose sum of squared errors is cheap to evaluate but not smooth
 * enough for Newton steps. Non-finite values of `f` count as +∞ (the simplex moves away from them).
 *
 * Method: Nelder & Mead 1965, "A simplex method for function minimization", Computer Journal 7(4).
 *
 * Complexity: O(n) memory per vertex, n + 1 vertices; one or two evaluations of `f` per iteration (n + 1 on a
 * shrink); stops at `maxEvaluations` or when the simplex values agree within `tolerance`.
 *
 * @example
 * ```ts
 * const r = nelderMead((x) => (x[0]! - 1) ** 2 + 10 * (x[1]! + 2) ** 2, [0, 0]);
 * r.x; // ≈ [1, −2]
 * ```
 */
export function nelderMead(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const n = x0.length;
  const step = options.step ?? 0.5;
  const maxEvaluations = options.maxEvaluations ?? 200 * Math.max(1, n);
  const tolerance = options.tolerance ?? 1e-10;
  let evaluations = 0;
  const value = (x: Float64Array): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const simplex: Float64Array[] = [];
  const values: number[] = [];
  for (let i = 0; i <= n; i++) {
    const v = Float64Array.from(x0);
    if (i > 0) v[i - 1] = v[i - 1]! + step;
    simplex.push(v);
    values.push(value(v));
  }
  if (n === 0) return { x: simplex[0]!, value: values[0]!, evaluations };
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const centroid = new Float64Array(n);
  const reflected = new Float64Array(n);
  const trial = new Float64Array(n);
  const along = (t: number, out: Float64Array, worst: Float64Array) => {
    for (let j = 0; j < n; j++) out[j] = centroid[j]! + t * (centroid[j]! - worst[j]!);
  };
  const replace = (i: number, point: Float64Array, fp: number) => {
    simplex[i]!.set(point);
    values[i] = fp;
  };
  while (evaluations < maxEvaluations) {
    order.sort((a, b) => values[a]! - values[b]!);
    const best = order[0]!;
    const worst = order[n]!;
    const secondWorst = order[n - 1]!;
    const fBest = values[best]!;
    const fWorst = values[worst]!;
    if (Math.abs(fWorst - fBest) <= tolerance * (Math.abs(fBest) + tolerance)) break;
    centroid.fill(0);
    for (let i = 0; i < n; i++) {
      const v = simplex[order[i]!]!;
      for (let j = 0; j < n; j++) centroid[j] = centroid[j]! + v[j]! / n;
    }
    const w = simplex[worst]!;
    along(1, reflected, w);
    const fr = value(reflected);
    if (fr < fBest) {
      along(2, trial, w);
      const fe = value(trial);
      if (fe < fr) replace(worst, trial, fe);
      else replace(worst, reflected, fr);
    } else if (fr < values[secondWorst]!) {
      replace(worst, reflected, fr);
    } else {
      const outside = fr < fWorst;
      along(outside ? 0.5 : -0.5, trial, w);
      const fc = value(trial);
      if (outside ? fc <= fr : fc < fWorst) replace(worst, trial, fc);
      else {
        const b = simplex[best]!;
        for (let i = 0; i <= n; i++) {
          if (i === best) continue;
          const v = simplex[i]!;
          for (let j = 0; j < n; j++) v[j] = b[j]! + 0.5 * (v[j]! - b[j]!);
          values[i] = value(v);
        }
      }
    }
  }
  let bestIndex = 0;
  for (let i = 1; i <= n; i++) if (values[i]! < values[bestIndex]!) bestIndex = i;
  return { x: simplex[bestIndex]!, value: values[bestIndex]!, evaluations };
}
