/**
 * Why a line of InfluxDB line protocol was rejected. Stable snake_case codes: a dead-letter record carries one as its
 * reason, and `/metrics` counters are labelled with it.
 */
export const LINE_PROTOCOL_ERROR_REASONS = [
  /** The line starts with a separator: there is no measurement name. */
  'missing_measurement',
  /** A tag is not `key=value`, or its key or value is empty. */
  'invalid_tag',
  /** The same tag key appears twice on one line. */
  'duplicate_tag',
  /** There is no field set after the tags. */
  'missing_fields',
  /** A field is not `key=value`, or its key is empty. */
  'invalid_field',
  /** The same field key appears twice on one line. */
  'duplicate_field',
  /** A field value is not a float, integer (`1i`), unsigned (`1u`), boolean or quoted string. */
  'invalid_field_value',
  /** A quoted string field value has no closing quote. */
  'unterminated_string',
  /** A numeric field value overflows to Infinity, or is spelled `NaN`, `inf` or `Infinity` (line protocol has none). */
  'value_not_finite',
  /** The timestamp is not an integer, or something follows it. */
  'invalid_timestamp',
  /** The timestamp is negative or beyond what milliseconds since the epoch can hold exactly. */
  'timestamp_out_of_range',
  /** The line has no timestamp and the caller gave no default. */
  'missing_timestamp',
  /** The line has no `host` tag and the caller gave no default host. */
  'missing_host',
  /** A metric name, host, tag key or tag value is longer than `LIMITS.maxNameLength`. */
  'name_too_long',
  /** The line has more tags (besides `host`) than `LIMITS.maxTags`. */
  'too_many_tags',
  /**
   * A metric name, host, tag key or tag value could not be written back to InfluxDB exactly, e.g. it ends with a
   * backslash or holds a control character (see `lineProtocolNameProblem`).
   */
  'name_not_writable',
  /** A tag key no event may use (`__proto__`, see `RESERVED_TAG_KEYS`). */
  'tag_key_reserved',
  /** Every field of the line is a string: valid line protocol, but nothing to measure. */
  'no_numeric_field',
] as const;

export type LineProtocolErrorReason = (typeof LINE_PROTOCOL_ERROR_REASONS)[number];

/**
 * A line that is not valid InfluxDB line protocol, or that cannot become a metric event. Never retriable: the same
 * bytes fail the same way, so the record belongs on the dead-letter topic with {@link LineProtocolError.reason}.
 */
export class LineProtocolError extends Error {
  readonly retriable = false;

  constructor(
    /** A stable code for dead-letter records and counters. */
    readonly reason: LineProtocolErrorReason,
    /** 1-based line number within the parsed text. */
    readonly lineNumber: number,
    /** 1-based column (in UTF-16 code units) where the problem was found. */
    readonly column: number,
    /** The offending line as received (without its line break). */
    readonly line: string,
    detail: string,
  ) {
    super(`line ${lineNumber}, column ${column}: ${reason}: ${detail}`);
    this.name = 'LineProtocolError';
  }
}
