export interface LevelShiftOptions {
  /** Only shifts inside [since, until) are reported. */
  readonly since: number;
  readonly until: number;
  /** Fewest buckets on each side of the change point. */
  readonly minSegment: number;
  /** Smallest |after − before| / |before|. */
  readonly minRelativeChange: number;
  /** Smallest |after − before| / pooled within-segment standard deviation. */
  readonly minStrength: number;
}

/** The most likely level shift of a series: where, the mean levels before and after, and how large. */
export interface LevelShift {
  /** Time of the first point after the change. */
  readonly at: number;
  readonly before: number;
  readonly after: number;
  /** `(after - before) / |before|`. */
  readonly change: number;
  /** Size of the shift in units of the within-segment noise. */
  readonly strength: number;
}

/**
 * Finds the single most likely level shift of a series (in the report: a baseline's expected value): the split that minimises the summed
 * squared error of two constant segments (least-squares change point, the first step of binary segmentation,
 * Scott & Knott 1974), O(n) with prefix sums. Reported when the change is both relatively large and large against
 * the noise within the segments (the seasonal swing of a baseline counts as noise, so a daily cycle alone never
 * qualifies). Empty buckets (NaN) are skipped. A steady trend is not a shift: the
 * two segments must leave less than half the squared error of one straight line.
 */
export function detectLevelShift(
  input: { readonly times: ArrayLike<number>; readonly values: ArrayLike<number> },
  options: LevelShiftOptions,
): LevelShift | undefined {
  const t: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < input.values.length; i++) {
    const x = input.values[i]!;
    if (Number.isFinite(x)) {
      t.push(input.times[i]!);
      v.push(x);
    }
  }
  const n = v.length;
  if (n < 2 * options.minSegment) return undefined;
  const s = new Float64Array(n + 1);
  const s2 = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    s[i + 1] = s[i]! + v[i]!;
    s2[i + 1] = s2[i]! + v[i]! * v[i]!;
  }
  const sse = (from: number, to: number): number => {
    const m = to - from;
    const sum = s[to]! - s[from]!;
    return Math.max(0, s2[to]! - s2[from]! - (sum * sum) / m);
  };
  let best = -1;
  let bestCost = Infinity;
  for (let k = options.minSegment; k <= n - options.minSegment; k++) {
    if (t[k]! < options.since || t[k]! >= options.until) continue;
    const cost = sse(0, k) + sse(k, n);
    if (cost < bestCost) {
      bestCost = cost;
      best = k;
    }
  }
  if (best < 0) return undefined;
  // A steady trend also splits well into two means; a shift is a step, so two flat segments must fit clearly
  // better than one straight line.
  if (bestCost > 0.5 * lineSse(t, v)) return undefined;
  const before = (s[best]! - s[0]!) / best;
  const after = (s[n]! - s[best]!) / (n - best);
  const sd = Math.sqrt(bestCost / Math.max(1, n - 2));
  const diff = after - before;
  const change = before !== 0 ? diff / Math.abs(before) : diff === 0 ? 0 : Infinity;
  const strength = sd > 0 ? Math.abs(diff) / sd : diff === 0 ? 0 : Infinity;
  if (Math.abs(change) < options.minRelativeChange || strength < options.minStrength) return undefined;
  return {
    at: t[best]!,
    before,
    after,
    change,
    strength,
  };
}

/** Squared error around the least-squares line through (t, v). */
function lineSse(t: readonly number[], v: readonly number[]): number {
  const n = v.length;
  let mt = 0;
  let mv = 0;
  for (let i = 0; i < n; i++) {
    mt += t[i]! / n;
    mv += v[i]! / n;
  }
  let stt = 0;
  let stv = 0;
  let svv = 0;
  for (let i = 0; i < n; i++) {
    stt += (t[i]! - mt) ** 2;
    stv += (t[i]! - mt) * (v[i]! - mv);
    svv += (v[i]! - mv) ** 2;
  }
  return stt > 0 ? Math.max(0, svv - (stv * stv) / stt) : svv;
}
