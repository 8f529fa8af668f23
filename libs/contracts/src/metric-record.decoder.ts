import { DECODE_FAILURE_REASONS, checkTimestamp, decodeMetricEvent, type DecodeFailure } from './event-codec';
import { LIMITS } from './limits';
import { parseLineProtocol, type LineProtocolErrorReason, type LineProtocolPrecision } from './line-protocol';
import type { MetricEvent } from './metric-event.schema';

/**
 * Why a record of the metrics topic was (wholly or partly) rejected: the JSON codec's reasons, plus
 * `line_protocol_invalid` for line protocol that does not parse and `no_numeric_field` for a line-protocol line whose
 * fields are all strings (nothing to measure). A line-protocol value that overflows, a timestamp outside the window,
 * a name that cannot be written back or a reserved tag key keeps its precise reason (`value_not_finite`,
 * `timestamp_out_of_range`, `name_not_writable`, `tag_key_reserved`).
 */
export const METRIC_RECORD_FAILURE_REASONS = [
  ...DECODE_FAILURE_REASONS,
  /** Line protocol that does not parse (the detail names the line, column and the parser's reason). */
  'line_protocol_invalid',
  /** A line-protocol line with only string fields: valid syntax, but no value to score. */
  'no_numeric_field',
  /**
   * A well-formed event of a new series refused by the baseline service because a series cap (`limits.maxActiveSeries`
   * per instance, `limits.maxSeriesPerHost`) is reached.
   */
  'cardinality_exceeded',
  /** A user metric named under the prefix reserved for Tideline's self-monitoring (`SELF_METRIC_PREFIX`, `tideline.`). */
  'metric_name_reserved',
] as const;

export type MetricRecordFailureReason = (typeof METRIC_RECORD_FAILURE_REASONS)[number];

export interface MetricRecordFailure {
  readonly reason: MetricRecordFailureReason;
  readonly message: string;
}

/**
 * What one record of the metrics topic holds. A JSON record is one event or a failure. A line-protocol record (a
 * Telegraf batch) yields the events of its good lines; if any line is bad, `failure` describes the first bad one and
 * the record belongs on the dead-letter topic (with its original bytes) even though its good lines are processed.
 */
export interface MetricRecordDecoding {
  readonly format: 'json' | 'line-protocol';
  readonly events: MetricEvent[];
  readonly failure?: MetricRecordFailure;
  /** Line protocol: string fields beside numeric ones, which are not measurements (no event is made for them). */
  readonly skippedStringFields?: number;
}

export interface MetricRecordDecodeOptions {
  /** The processing clock, epoch ms: timestamps must lie within the window of {@link checkTimestamp}. */
  readonly nowMs: number;
  /** The Kafka record's timestamp (epoch ms): the time of line-protocol lines that carry none. */
  readonly recordTimestampMs?: number;
  /** Unit of line-protocol timestamps; default `ns` (Telegraf). */
  readonly precision?: LineProtocolPrecision;
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const QUOTE = 0x22;
/** First bytes of a JSON text that is not an object or array: `"`, `-`, a digit, `t`rue, `f`alse, `n`ull. */
const JSON_SCALAR_START = new Set([0x22, 0x2d, ...'0123456789tfn'.split('').map((c) => c.charCodeAt(0))]);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes one record of the metrics topic, which carries JSON metric events (collector, SDK, replay) or InfluxDB line
 * protocol (Telegraf's Kafka output with `data_format = "influx"`). The format is told by the first non-blank byte
 * after an optional UTF-8 byte order mark: `{` or `[` is JSON; a record that is a whole JSON text of another kind (a
 * number, string, `true`, `null`) is JSON too (dead-lettered `json_not_object`, as an array is); anything else is
 * line protocol (no JSON text is valid line protocol: a line needs a space and a field). Never throws.
 *
 * @example
 * decodeMetricRecord(Buffer.from('cpu,host=a usage=1 1700000000000000000'), { nowMs: 1700000000000 }).events[0].metric
 * // 'cpu.usage'
 */
export function decodeMetricRecord(bytes: Uint8Array, options: MetricRecordDecodeOptions): MetricRecordDecoding {
  if (looksLikeJson(bytes)) {
    const result = decodeMetricEvent(bytes, { nowMs: options.nowMs });
    return result.ok
      ? { format: 'json', events: [result.value] }
      : { format: 'json', events: [], failure: fromDecodeFailure(result.error) };
  }
  if (bytes.byteLength > LIMITS.maxEventBytes) {
    const message = `record is ${bytes.byteLength} bytes; at most ${LIMITS.maxEventBytes} bytes is allowed`;
    return { format: 'line-protocol', events: [], failure: { reason: 'oversized', message } };
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return {
      format: 'line-protocol',
      events: [],
      failure: { reason: 'line_protocol_invalid', message: 'not UTF-8 text' },
    };
  }
  const parsed = parseLineProtocol(text, {
    precision: options.precision ?? 'ns',
    ...(options.recordTimestampMs === undefined ? {} : { defaultTimestampMs: options.recordTimestampMs }),
  });
  let failure: MetricRecordFailure | undefined;
  const firstError = parsed.errors[0];
  if (firstError !== undefined) {
    const reason = recordReasonFor(firstError.reason);
    const more = parsed.errors.length > 1 ? ` (and ${parsed.errors.length - 1} more bad lines)` : '';
    failure = { reason, message: `${firstError.message}${more}` };
  }
  const events: MetricEvent[] = [];
  for (const event of parsed.events) {
    const outOfRange = checkTimestamp(event.ts, options.nowMs);
    if (outOfRange === undefined) events.push(event);
    else failure ??= fromDecodeFailure(outOfRange);
  }
  if (events.length === 0 && failure === undefined) {
    failure = { reason: 'line_protocol_invalid', message: 'no line in the record' };
  }
  const skipped = parsed.skippedStringFields;
  return {
    format: 'line-protocol',
    events,
    ...(failure === undefined ? {} : { failure }),
    ...(skipped === 0 ? {} : { skippedStringFields: skipped }),
  };
}

function looksLikeJson(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0; // a UTF-8 byte order mark
  for (; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    if (b === OPEN_BRACE || b === OPEN_BRACKET) return true;
    if (!JSON_SCALAR_START.has(b)) return false;
    // a JSON number or literal has no blank inside, a line-protocol line always has one (before its fields)
    return (b === QUOTE || !hasInnerBlank(bytes, i)) && isJsonText(bytes);
  }
  return false;
}

function isBlank(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

/** Whether a blank follows `from` with something other than blanks after it. */
function hasInnerBlank(bytes: Uint8Array, from: number): boolean {
  let i = from;
  while (i < bytes.length && !isBlank(bytes[i]!)) i++;
  while (i < bytes.length && isBlank(bytes[i]!)) i++;
  return i < bytes.length;
}

/** Whether the whole record is one JSON text (only asked of records that start like a JSON number, string or literal). */
function isJsonText(bytes: Uint8Array): boolean {
  if (bytes.byteLength > LIMITS.maxEventBytes) return false;
  try {
    JSON.parse(utf8.decode(bytes));
    return true;
  } catch {
    return false;
  }
}

/** The line-protocol errors that keep their own reason on the dead-letter record; the rest do not parse. */
function recordReasonFor(reason: LineProtocolErrorReason): MetricRecordFailureReason {
  switch (reason) {
    case 'value_not_finite':
    case 'timestamp_out_of_range':
    case 'name_not_writable':
    case 'tag_key_reserved':
    case 'no_numeric_field':
      return reason;
    default:
      return 'line_protocol_invalid';
  }
}

function fromDecodeFailure(error: DecodeFailure): MetricRecordFailure {
  return { reason: error.reason, message: error.message };
}
