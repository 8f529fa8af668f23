/**
 * How the reporter asks for a projection. The implementation lives in libs/stats (one projection implementation
 * for the whole project, the one `tideline bench time-to-limit` measures); this interface is the seam, so the
 * reporter does not care how it is computed.
 */
export interface TimeToLimitInput {
  /** Bucket start times (epoch ms), ascending, of the series' means over the last weeks. */
  readonly times: Float64Array;
  /** Bucket means; NaN for an empty bucket. */
  readonly values: Float64Array;
  /** Points in each bucket (default 1 each): with them the projector's summary is the one the baseline service kept. */
  readonly counts?: Float64Array;
  readonly limit: number;
  /** The report's end: the ETA is measured from here. */
  readonly nowMs: number;
}

export interface TimeToLimitRange {
  /** Time until the limit is reached, in ms from `nowMs`: 10 % chance of reaching it earlier than this. */
  readonly p10Ms: number;
  /** Median estimate; Infinity when the series is not heading there. */
  readonly p50Ms: number;
  /** 90 % chance of having reached it by then; Infinity when the slow end of the range never gets there. */
  readonly p90Ms: number;
  /** The newest complete bucket's mean. */
  readonly current: number;
  /** Trend at the newest point, units per ms (0 when not heading for the limit). */
  readonly slopePerMs: number;
  readonly method: string;
}

export interface TimeToLimitProjector {
  /** The bucket width the projector expects its input in (the report's query groups by it). */
  readonly bucketMs: number;
  /** How far back the input should reach. */
  readonly lookbackMs: number;
  project(input: TimeToLimitInput): TimeToLimitRange | undefined;
}
