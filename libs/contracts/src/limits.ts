/** Size limits enforced by validation; a value over a limit is rejected naming the field. */
export const LIMITS = {
  /** Longest host, metric, tag key or tag value, in characters. */
  maxNameLength: 256,
  /** Most tags on one event. */
  maxTags: 32,
  /** Largest encoded event accepted from the metrics topic, in bytes. */
  maxEventBytes: 64 * 1024,
  /** How far an event's timestamp may lie in the future of the processing clock. */
  maxFutureSkewMs: 10 * 60 * 1000,
  /** How far in the past an event's timestamp may lie (replay of history is allowed up to this). */
  maxPastAgeMs: 5 * 365 * 24 * 60 * 60 * 1000,
} as const;
