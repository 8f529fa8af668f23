import { parseAlertEvent, type AlertEvent } from './alert-event.schema';
import { parseBaselineUpdate, type BaselineUpdate } from './baseline-update.schema';
import { LIMITS } from './limits';
import { METRIC_EVENT_SCHEMA, parseMetricEvent, type MetricEvent } from './metric-event.schema';
import { ContractValidationError } from './validation-error';

/**
 * Why a record could not be decoded: the machine reason a dead-letter record carries.
 * - `oversized`: more than {@link LIMITS.maxEventBytes} bytes.
 * - `invalid_json`: not UTF-8 JSON.
 * - `unsupported_schema`: a `schema` field this build does not know (e.g. a newer version).
 * - `value_not_finite`: `value` is NaN or ±Infinity (e.g. `1e999` in JSON).
 * - `timestamp_out_of_range`: `ts` too far in the future or past of the processing clock.
 * - `schema_violation`: any other field is missing, of the wrong type, too long or too many.
 */
export type DecodeFailureReason =
  | 'oversized'
  | 'invalid_json'
  | 'unsupported_schema'
  | 'value_not_finite'
  | 'timestamp_out_of_range'
  | 'schema_violation';

export const DECODE_FAILURE_REASONS: readonly DecodeFailureReason[] = [
  'oversized',
  'invalid_json',
  'unsupported_schema',
  'value_not_finite',
  'timestamp_out_of_range',
  'schema_violation',
];

export interface DecodeFailure {
  readonly reason: DecodeFailureReason;
  /** The failing field (dotted path) when one is to blame. */
  readonly field?: string;
  /** Human-readable detail naming the field. */
  readonly message: string;
}

export type DecodeResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: DecodeFailure };

export interface DecodeOptions {
  /**
   * The processing clock, epoch ms. When given, `ts` must lie within
   * [`nowMs - LIMITS.maxPastAgeMs`, `nowMs + LIMITS.maxFutureSkewMs`]. Contracts never read the clock themselves.
   */
  readonly nowMs?: number;
}

/** Encodes an event as UTF-8 JSON bytes (the wire format of every Tideline topic). */
export function encodeEvent(_event: MetricEvent | AlertEvent | BaselineUpdate): Uint8Array {
  throw new Error('not implemented');
}

/** Decodes and validates a metric event from wire bytes (or a string); never throws. */
export function decodeMetricEvent(
  _bytes: Uint8Array | string,
  _options: DecodeOptions = {},
): DecodeResult<MetricEvent> {
  void METRIC_EVENT_SCHEMA;
  void LIMITS;
  void parseMetricEvent;
  void ContractValidationError;
  throw new Error('not implemented');
}

/** Decodes and validates an alert event; never throws. */
export function decodeAlertEvent(_bytes: Uint8Array | string): DecodeResult<AlertEvent> {
  void parseAlertEvent;
  throw new Error('not implemented');
}

/** Decodes and validates a baseline update; never throws. */
export function decodeBaselineUpdate(_bytes: Uint8Array | string): DecodeResult<BaselineUpdate> {
  void parseBaselineUpdate;
  throw new Error('not implemented');
}

/** Checks `ts` against the processing clock (see {@link DecodeOptions.nowMs}); undefined when in range. */
export function checkTimestamp(_ts: number, _nowMs: number): DecodeFailure | undefined {
  throw new Error('not implemented');
}
