/**
 * How the reporter asks for a projection. The implementation lives in libs/stats (one projection implementation
 * for the whole project); this interface is the seam, so the reporter does not care how it is computed.
 */
export interface TimeToLimitInput {
  /** Bucket times (epoch ms), ascending. */
  readonly times: Float64Array;
  /** Bucket means; NaN for an empty bucket. */
  readonly values: Float64Array;
  readonly limit: number;
  /** The report's end: the ETA is measured from here. */
  readonly nowMs: number;
}

export interface TimeToLimitRange {
  /** Median time until the limit is reached, in ms from `nowMs`; Infinity when not heading there. */
  readonly p50Ms: number;
  /** 90 % bound: the limit is reached later than this with probability 0.1 only (Infinity: maybe never). */
  readonly p90Ms: number;
  readonly current: number;
  /** Trend, units per ms. */
  readonly slopePerMs: number;
  readonly method: string;
}

export interface TimeToLimitProjector {
  project(input: TimeToLimitInput): TimeToLimitRange | undefined;
}
