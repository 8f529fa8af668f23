/**
 * Natural logarithm of the standard normal upper tail, ln Q(z), accurate far into the tail (z = 30 gives
 * ≈ −454.3) where Q itself underflows. Same rational approximation as {@link normalTail} (Press et al.,
 * *Numerical Recipes* §6.2, fractional error < 1.2e-7), taken in log space.
 *
 * Complexity: O(1), no allocation.
 *
 * @example
 * ```ts
 * logNormalTail(0); // ≈ ln 0.5 = −0.6931
 * logNormalTail(10); // ≈ −53.2312 (SciPy: norm.logsf(10) = −53.23128515051247)
 * ```
 */
export function logNormalTail(z: number): number {
  if (z < 0) return Math.log1p(-0.5 * erfcLogFree(-z));
  const ax = z * Math.SQRT1_2;
  const t = 1 / (1 + 0.5 * ax);
  return Math.log(0.5 * t) + poly(ax, t);
}

function poly(ax: number, t: number): number {
  return (
    -ax * ax -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
  );
}

/** erfc(z/√2) for z ≥ 0. */
function erfcLogFree(z: number): number {
  const ax = z * Math.SQRT1_2;
  const t = 1 / (1 + 0.5 * ax);
  return t * Math.exp(poly(ax, t));
}
