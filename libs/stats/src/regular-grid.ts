/** A series on a regular time grid: `values[k]` is at `endMs − (values.length − 1 − k)·stepMs`; NaN = no point. */
export interface RegularGrid {
  readonly stepMs: number;
  /** Time of the last slot (the last point's own time). */
  readonly endMs: number;
  readonly values: Float64Array;
}

/**
 * Puts irregular points on a regular grid of `stepMs` that ends at the last point: each slot holds the mean of the
 * points nearest to it (within half a step); a slot without points is NaN (missing, for models that skip missing
 * values such as exponential smoothing). Points may be slightly out of order.
 *
 * Method: nearest-slot binning (the "bucket averaging" of time-series databases' GROUP BY time()).
 *
 * Complexity: O(n + slots) time and memory.
 *
 * @example
 * ```ts
 * const g = regularGrid([0, 60_000, 190_000], [1, 3, 5], 60_000);
 * [...g.values]; // [1, 3, NaN, 5]: slots at 10 000, 70 000, 130 000, 190 000 ms
 * ```
 */
export function regularGrid(
  timestampsMs: ArrayLike<number>,
  values: ArrayLike<number>,
  stepMs: number,
  from = 0,
  to = timestampsMs.length,
): RegularGrid {
  const endMs = timestampsMs[to - 1]!;
  let first = endMs;
  for (let i = from; i < to; i++) if (timestampsMs[i]! < first) first = timestampsMs[i]!;
  const slots = Math.max(1, Math.round((endMs - first) / stepMs) + 1);
  const sums = new Float64Array(slots);
  const counts = new Float64Array(slots);
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    const k = slots - 1 - Math.round((endMs - timestampsMs[i]!) / stepMs);
    if (k < 0 || k >= slots) continue;
    sums[k] = sums[k]! + v;
    counts[k] = counts[k]! + 1;
  }
  for (let k = 0; k < slots; k++) sums[k] = counts[k]! > 0 ? sums[k]! / counts[k]! : NaN;
  return { stepMs, endMs, values: sums };
}
