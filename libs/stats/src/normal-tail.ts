/**
 * Upper-tail probability of the standard normal distribution, Q(z) = P(Z > z) = ½·erfc(z/√2).
 *
 * Uses the Chebyshev-fitted complementary error function of Press et al., *Numerical Recipes* (2nd ed., §6.2,
 * `erfcc`), whose fractional error is below 1.2e-7 everywhere, including the far tail: this matters because anomaly
 * scores are read as 1 − Q and only a relative-accuracy tail keeps large deviations distinguishable.
 *
 * Complexity: O(1), one `Math.exp`, no allocation.
 *
 * @example
 * ```ts
 * normalTail(0); // ≈ 0.5
 * normalTail(1.959963984540054); // ≈ 0.025 (SciPy: norm.sf(1.959963984540054) = 0.025)
 * normalTail(-1); // ≈ 0.8413447460685429
 * ```
 */
export function normalTail(z: number): number {
  const x = z * Math.SQRT1_2;
  const ax = x < 0 ? -x : x;
  const t = 1 / (1 + 0.5 * ax);
  const erfcAbs =
    t *
    Math.exp(
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
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 0.5 * erfcAbs : 1 - 0.5 * erfcAbs;
}
