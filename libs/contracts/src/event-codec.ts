import { ALERT_EVENT_SCHEMA, parseAlertEvent, type AlertEvent } from './alert-event.schema';
import { BASELINE_JSON_SCHEMA, parseBaselineRecord, type BaselineRecord } from './baseline-point.schema';
import {
  BASELINE_BINARY_SCHEMA,
  decodeBaselineBinary,
  decodeBaselineBinaryRecords,
  encodeBaselineBinary,
  isBaselineBinary,
} from './baseline-record.binary';
import { LIMITS } from './limits';
import { fastParseFreshMetricEvent } from './metric-event.fast-path';
import { fastDecodeMetricEventJson } from './metric-event.json-fast-path';
import { METRIC_EVENT_SCHEMA, parseMetricEvent, type MetricEvent } from './metric-event.schema';
import { ContractValidationError } from './validation-error';

/** Why a record could not be decoded: the machine reason a dead-letter record carries. */
export const DECODE_FAILURE_REASONS = [
  /** More than {@link LIMITS.maxEventBytes} bytes. */
  'oversized',
  /** Not UTF-8 JSON. */
  'invalid_json',
  /** Valid JSON, but an array, number, string, boolean or null instead of an event object. */
  'json_not_object',
  /** A `schema` field this build does not know (e.g. a newer version). */
  'unsupported_schema',
  /** `value` is NaN or ±Infinity (e.g. `1e999` in JSON). */
  'value_not_finite',
  /** `ts` too far in the future or past of the processing clock. */
  'timestamp_out_of_range',
  /**
   * A metric, host, tag key or tag value that InfluxDB line protocol cannot carry exactly: a control character such
   * as a line break (it would forge a row), a trailing backslash, ... (see `lineProtocolNameProblem`).
   */
  'name_not_writable',
  /** A tag key no event may use: `__proto__` (an object would drop it or take it as its prototype). */
  'tag_key_reserved',
  /** Any other field is missing, of the wrong type, too long or too many. */
  'schema_violation',
] as const;

/** The reasons of {@link decodeBaselineRecord}: a baselines-topic record may also be binary. */
export const BASELINE_DECODE_FAILURE_REASONS = [
  ...DECODE_FAILURE_REASONS,
  /**
   * A binary record (`tideline.baseline/3`) that is truncated, has bytes past its end, invalid UTF-8 in a name or a
   * code outside its table.
   */
  'invalid_binary',
] as const;

export type DecodeFailureReason = (typeof DECODE_FAILURE_REASONS)[number];
export type BaselineDecodeFailureReason = (typeof BASELINE_DECODE_FAILURE_REASONS)[number];

export interface DecodeFailure<R extends string = DecodeFailureReason> {
  readonly reason: R;
  /** The failing field (dotted path) when one is to blame. */
  readonly field?: string;
  /** Human-readable detail naming the field. */
  readonly message: string;
}

export type DecodeResult<T, R extends string = DecodeFailureReason> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: DecodeFailure<R> };

export interface DecodeOptions {
  /**
   * The processing clock, epoch ms. When given, `ts` must lie within
   * [`nowMs - LIMITS.maxPastAgeMs`, `nowMs + LIMITS.maxFutureSkewMs`]. Contracts never read the clock themselves.
   */
  readonly nowMs?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Validates an event against its schema (by its `schema` field) and encodes it as UTF-8 JSON bytes, the wire format
 * of every Tideline topic but the baselines topic, whose `tideline.baseline/3` records are binary
 * ({@link encodeBaselineBinary}). Throws {@link ContractValidationError} rather than produce a record consumers would
 * dead-letter (JSON would silently turn NaN into null).
 */
export function encodeEvent(event: MetricEvent | AlertEvent | BaselineRecord): Uint8Array {
  if (event.schema === BASELINE_BINARY_SCHEMA) return encodeBaselineBinary(event);
  const valid =
    event.schema === METRIC_EVENT_SCHEMA
      ? parseMetricEvent(event)
      : event.schema === ALERT_EVENT_SCHEMA
        ? parseAlertEvent(event)
        : event.schema === BASELINE_JSON_SCHEMA
          ? parseBaselineRecord(event)
          : undefined;
  if (valid === undefined) {
    const schema = (event as { schema?: unknown }).schema;
    throw new ContractValidationError(String(schema), [
      { field: 'schema', code: 'unsupported_schema', reason: `is ${JSON.stringify(schema)}, not a known event schema` },
    ]);
  }
  return encoder.encode(JSON.stringify(valid));
}

/**
 * Decodes and validates a metric event from wire bytes (or a string); never throws. Checks, in order: size
 * ({@link LIMITS.maxEventBytes}), UTF-8 JSON (a leading byte order mark is allowed), a JSON object, schema version,
 * fields, and (when `nowMs` is given) the timestamp window. The failure's `reason` is what the dead-letter record carries.
 */
export function decodeMetricEvent(bytes: Uint8Array | string, options: DecodeOptions = {}): DecodeResult<MetricEvent> {
  // the compact form our producers write, straight from the bytes; anything else through JSON.parse and the schema
  const fast = typeof bytes === 'string' ? undefined : fastDecodeMetricEventJson(bytes);
  if (fast !== undefined) return withTimestampCheck({ ok: true, value: fast }, options);
  return withTimestampCheck(decodeWith(bytes, METRIC_EVENT_SCHEMA, parseMetricEventFast), options);
}

/**
 * {@link decodeMetricEvent} validating with zod alone, without the hand-written fast path: the reference the fast
 * path is tested and benchmarked against. Same results, slower.
 */
export function decodeMetricEventWithZod(
  bytes: Uint8Array | string,
  options: DecodeOptions = {},
): DecodeResult<MetricEvent> {
  return withTimestampCheck(decodeWith(bytes, METRIC_EVENT_SCHEMA, parseMetricEvent), options);
}

// a value fresh from JSON.parse: plain data, which is what the fast path is written for; zod has the last word
function parseMetricEventFast(json: unknown): MetricEvent {
  return fastParseFreshMetricEvent(json) ?? parseMetricEvent(json);
}

function withTimestampCheck(decoded: DecodeResult<MetricEvent>, options: DecodeOptions): DecodeResult<MetricEvent> {
  if (!decoded.ok || options.nowMs === undefined) return decoded;
  const outOfRange = checkTimestamp(decoded.value.ts, options.nowMs);
  return outOfRange ? { ok: false, error: outOfRange } : decoded;
}

/** Decodes and validates an alert event; never throws. */
export function decodeAlertEvent(bytes: Uint8Array | string): DecodeResult<AlertEvent> {
  return decodeWith(bytes, ALERT_EVENT_SCHEMA, parseAlertEvent);
}

/**
 * Decodes and validates a baseline record (one series' judged points) in either wire form, told apart by the first
 * byte: binary `tideline.baseline/3` (what the baseline service publishes) or JSON `tideline.baseline/2` (what
 * builds before it published, still read during an upgrade); never throws.
 */
export function decodeBaselineRecord(
  bytes: Uint8Array | string,
): DecodeResult<BaselineRecord, BaselineDecodeFailureReason> {
  if (typeof bytes !== 'string' && isBaselineBinary(bytes)) {
    const oversized = sizeFailure(bytes);
    return oversized === undefined ? decodeBaselineBinary(bytes) : { ok: false, error: oversized };
  }
  return decodeWith(bytes, BASELINE_JSON_SCHEMA, parseBaselineRecord);
}

/**
 * Decodes a baselines-topic record into the baseline records it carries, in order: a bundle of binary records (what
 * the baseline service publishes for the series of a batch that share a partition), a single binary record, or a
 * JSON one (see {@link decodeBaselineRecord}); never throws. A bundle that fails, fails whole.
 */
export function decodeBaselineRecords(
  bytes: Uint8Array | string,
): DecodeResult<BaselineRecord[], BaselineDecodeFailureReason> {
  if (typeof bytes !== 'string' && isBaselineBinary(bytes)) {
    const oversized = sizeFailure(bytes);
    return oversized === undefined ? decodeBaselineBinaryRecords(bytes) : { ok: false, error: oversized };
  }
  const single = decodeWith(bytes, BASELINE_JSON_SCHEMA, parseBaselineRecord);
  return single.ok ? { ok: true, value: [single.value] } : single;
}

/**
 * Checks `ts` against the processing clock: it must lie within
 * [`nowMs - LIMITS.maxPastAgeMs`, `nowMs + LIMITS.maxFutureSkewMs`]. Undefined when in range.
 */
export function checkTimestamp(ts: number, nowMs: number): DecodeFailure | undefined {
  if (ts > nowMs + LIMITS.maxFutureSkewMs) {
    return {
      reason: 'timestamp_out_of_range',
      field: 'ts',
      message: `field "ts" is ${ts - nowMs} ms in the future; at most ${LIMITS.maxFutureSkewMs} ms is allowed`,
    };
  }
  if (ts < nowMs - LIMITS.maxPastAgeMs) {
    return {
      reason: 'timestamp_out_of_range',
      field: 'ts',
      message: `field "ts" is ${nowMs - ts} ms in the past; at most ${LIMITS.maxPastAgeMs} ms is allowed`,
    };
  }
  return undefined;
}

function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function byteLength(input: Uint8Array | string): number {
  if (typeof input !== 'string') return input.byteLength;
  // a UTF-16 code unit encodes to at most 3 UTF-8 bytes: only measure exactly when it could matter
  return input.length * 3 <= LIMITS.maxEventBytes ? input.length : encoder.encode(input).byteLength;
}

function sizeFailure(bytes: Uint8Array | string): DecodeFailure | undefined {
  const size = byteLength(bytes);
  if (size <= LIMITS.maxEventBytes) return undefined;
  return { reason: 'oversized', message: `event is ${size} bytes; at most ${LIMITS.maxEventBytes} bytes is allowed` };
}

function decodeWith<T>(bytes: Uint8Array | string, schema: string, parse: (input: unknown) => T): DecodeResult<T> {
  const oversized = sizeFailure(bytes);
  if (oversized !== undefined) return { ok: false, error: oversized };
  let json: unknown;
  try {
    // a byte order mark is allowed (the decoder drops it from bytes; a string keeps it)
    json = JSON.parse(typeof bytes === 'string' ? withoutBom(bytes) : decoder.decode(bytes));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { reason: 'invalid_json', message: `not UTF-8 JSON: ${detail}` } };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    const what = json === null ? 'null' : Array.isArray(json) ? 'an array' : `a ${typeof json}`;
    return {
      ok: false,
      error: { reason: 'json_not_object', message: `${schema}: the JSON is ${what}, not an event object` },
    };
  }
  try {
    return { ok: true, value: parse(json) };
  } catch (error) {
    if (!(error instanceof ContractValidationError)) throw error;
    const message = `${schema}: ${error.issues.map((issue) => `field "${issue.field}" ${issue.reason}`).join('; ')}`;
    const [reason, field] = reasonFor(error);
    return { ok: false, error: { reason, field, message } };
  }
}

function reasonFor(error: ContractValidationError): [DecodeFailureReason, string] {
  // a wrong schema version explains every other mismatch: report it first
  const schema = error.issues.find((issue) => issue.code === 'unsupported_schema');
  if (schema) return ['unsupported_schema', schema.field];
  const value = error.issues.find((issue) => issue.code === 'not_finite' && issue.field === 'value');
  if (value) return ['value_not_finite', value.field];
  const name = error.issues.find((issue) => issue.code === 'not_writable');
  if (name) return ['name_not_writable', name.field];
  const reserved = error.issues.find((issue) => issue.code === 'reserved');
  if (reserved) return ['tag_key_reserved', reserved.field];
  return ['schema_violation', error.field];
}
