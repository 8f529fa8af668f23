import { linearFit } from './linear-fit';

export interface LeakOptions {
  readonly since: number;
  readonly until: number;
  /** Smallest growth over the period, relative to the period's first-day trough. */
  readonly minRelativeGrowth: number;
  /** Least fraction of day-to-day steps in which the daily trough rose. */
  readonly minRisingTroughs: number;
}

export interface LeakEvidence {
  readonly slopePerDay: number;
  readonly relativeGrowth: number;
  readonly risingTroughs: number;
  readonly steps: number;
  readonly r2: number;
  readonly firstTrough: number;
  readonly lastTrough: number;
}

const DAY = 86_400_000;

/**
 * A leak-like memory trend: the **daily troughs** keep rising. A process that frees memory (GC, cache eviction)
 * drops back to the same floor every day; a leak lifts the floor. Requires the floor to rise on at least
 * `minRisingTroughs` of the day-to-day steps and by at least `minRelativeGrowth` overall, with a positive
 * least-squares slope over the period. Needs at least 4 days with data.
 */
export function detectLeak(
  input: { readonly times: ArrayLike<number>; readonly values: ArrayLike<number> },
  options: LeakOptions,
): LeakEvidence | undefined {
  const days = Math.round((options.until - options.since) / DAY);
  const troughs = new Float64Array(days).fill(Number.NaN);
  for (let i = 0; i < input.times.length; i++) {
    const t = input.times[i]!;
    const v = input.values[i]!;
    if (t < options.since || t >= options.until || !Number.isFinite(v)) continue;
    const d = Math.floor((t - options.since) / DAY);
    if (!(troughs[d]! <= v)) troughs[d] = v;
  }
  const present = [...troughs].filter((x) => Number.isFinite(x));
  if (present.length < 4) return undefined;
  let rising = 0;
  for (let i = 1; i < present.length; i++) if (present[i]! > present[i - 1]!) rising++;
  const steps = present.length - 1;
  const first = present[0]!;
  const last = present[present.length - 1]!;
  const growth = first !== 0 ? (last - first) / Math.abs(first) : 0;
  const fit = linearFit(input.times, input.values);
  if (!fit || fit.slope <= 0) return undefined;
  if (rising / steps < options.minRisingTroughs || growth < options.minRelativeGrowth) return undefined;
  return {
    slopePerDay: fit.slope * DAY,
    relativeGrowth: growth,
    risingTroughs: rising,
    steps,
    r2: fit.r2,
    firstTrough: first,
    lastTrough: last,
  };
}
