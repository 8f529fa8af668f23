/** The part of a chart's period that holds data, when it is too small a part to show on the whole period's axis. */
export interface ChartWindow {
  readonly from: number;
  readonly until: number;
  /** First and last bucket with a value (the window adds a margin around them). */
  readonly dataFrom: number;
  readonly dataUntil: number;
}

/**
 * Where to zoom the chart of a series that has values in less than `minShare` of `[from, until)` (a replayed file that
 * covers a few hours of the week, a host that started on Sunday): from its first to its last bucket with a value,
 * plus a tenth of that span (at least one bucket) on each side, within the period. `undefined` when the series has no
 * value at all (the chart says "no data") or covers enough of the period to be drawn whole.
 *
 * @example dataWindow(times, values, 1_800_000, since, until) // { from, until, dataFrom, dataUntil } or undefined
 */
export function dataWindow(
  times: Float64Array,
  values: Float64Array,
  bucketMs: number,
  from: number,
  until: number,
  minShare = 0.25,
): ChartWindow | undefined {
  let first = -1;
  let last = -1;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) continue;
    if (first < 0) first = i;
    last = i;
  }
  if (first < 0) return undefined;
  const dataFrom = times[first]!;
  const dataUntil = Math.min(until, times[last]! + bucketMs);
  const span = dataUntil - dataFrom;
  if (span >= minShare * (until - from)) return undefined;
  const margin = Math.max(bucketMs, span / 10);
  return { from: Math.max(from, dataFrom - margin), until: Math.min(until, dataUntil + margin), dataFrom, dataUntil };
}

/** Bucketed chart data: times and any number of value arrays of the same length. */
export type BucketArrays<K extends string> = { readonly times: Float64Array } & Record<K, Float64Array>;

/**
 * Merges buckets `k` at a time until at least 90 % of the buckets between the first and the last value hold one (means
 * of the values present), so that a series sampled every 5 minutes, queried in 1-minute buckets, is drawn as a line
 * rather than as dots between gaps. Returns the data unchanged when it is dense enough already.
 */
export function densify<K extends string>(data: BucketArrays<K>, keys: readonly K[], valueKey: K): BucketArrays<K> {
  const values = data[valueKey];
  let first = -1;
  let last = -1;
  let filled = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) continue;
    if (first < 0) first = i;
    last = i;
    filled++;
  }
  if (first < 0) return data;
  const share = filled / (last - first + 1);
  if (share >= 0.9) return data;
  const k = Math.ceil(1 / share);
  const n = Math.ceil(values.length / k);
  const times = new Float64Array(n);
  for (let j = 0; j < n; j++) times[j] = data.times[j * k]!;
  const out: Record<string, Float64Array> = { times };
  for (const key of keys) {
    const source = data[key];
    const merged = new Float64Array(n).fill(Number.NaN);
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let count = 0;
      for (let i = j * k; i < Math.min(source.length, (j + 1) * k); i++) {
        if (Number.isFinite(source[i]!)) {
          sum += source[i]!;
          count++;
        }
      }
      if (count > 0) merged[j] = sum / count;
    }
    out[key] = merged;
  }
  return out as BucketArrays<K>;
}
