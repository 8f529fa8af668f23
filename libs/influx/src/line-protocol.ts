import { LineFormatError, escapeMeasurement, escapeTagKey, escapeTagValue } from '@tideline/contracts';
import { InfluxError } from './influx-errors';

/** A field value: numbers are floats, `bigint` is written as an integer (`42i`). */
export type FieldValue = number | bigint | string | boolean;

/** One point. Times are epoch milliseconds (precision `ms`). */
export interface Point {
  readonly measurement: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly fields: Readonly<Record<string, FieldValue>>;
  /** Epoch ms; omitted means "server time on arrival". */
  readonly timestampMs?: number;
}

// Names are escaped by libs/contracts' line-protocol writer, the one the parser round-trips with: it refuses a name
// InfluxDB could not store exactly (a line break would forge a row, a trailing backslash would eat the separator).

export function escapeStringField(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function invalid(message: string): InfluxError {
  return new InfluxError(message, { retriable: false, code: 'invalid_point' });
}

function formatField(key: string, value: FieldValue): string {
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw invalid(`field "${key}" must be a finite number, got ${value}`);
      return String(value);
    case 'bigint':
      return `${value}i`;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return escapeStringField(value);
    default:
      throw invalid(`field "${key}" has unsupported type ${typeof value}`);
  }
}

/**
 * Serialises a point to InfluxDB line protocol with ms timestamps, escaping as the spec requires. Tags are sorted
 * (InfluxDB's recommendation), empty tag values are dropped (InfluxDB rejects them). Throws a non-retriable
 * {@link InfluxError} (`invalid_point`) for a point InfluxDB would refuse or store differently: no fields, a
 * non-finite number, an empty measurement, a timestamp that is not an integer, or a name that cannot be written
 * exactly (see libs/contracts' `lineProtocolNameProblem`).
 */
export function toLineProtocol(point: Point): string {
  try {
    return formatPoint(point);
  } catch (error) {
    if (error instanceof LineFormatError) throw invalid(error.message);
    throw error;
  }
}

function formatPoint(point: Point): string {
  if (!point.measurement) throw invalid('measurement must not be empty');
  let line = escapeMeasurement(point.measurement);
  const tags = point.tags ?? {};
  for (const key of Object.keys(tags).sort()) {
    const value = tags[key];
    if (value === undefined || value === '' || key === '') continue;
    line += `,${escapeTagKey(key)}=${escapeTagValue(value)}`;
  }
  let separator = ' ';
  let fields = 0;
  for (const [key, value] of Object.entries(point.fields)) {
    if (value === undefined) continue;
    if (key === '') throw invalid('field keys must not be empty');
    line += `${separator}${escapeTagKey(key)}=${formatField(key, value)}`;
    separator = ',';
    fields++;
  }
  if (fields === 0) throw invalid(`point of "${point.measurement}" has no fields`);
  if (point.timestampMs !== undefined) {
    if (!Number.isSafeInteger(point.timestampMs)) {
      throw invalid(`timestamp must be an integer number of ms, got ${point.timestampMs}`);
    }
    line += ` ${point.timestampMs}`;
  }
  return line;
}
