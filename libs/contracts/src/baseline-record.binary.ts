import type { BaselineRecord } from './baseline-point.schema';
import type { BaselineDecodeFailureReason, DecodeFailure, DecodeResult } from './event-codec';
import {
  BASELINE_BINARY_MARKER,
  BASELINE_BINARY_SCHEMA,
  BASELINE_BINARY_VERSION,
  FLAG_TAIL_PROBABILITY,
  FLOAT_COLUMNS,
  FLOAT_COLUMNS_WITH_TAIL,
  HEADER_BYTES,
  SEASONALITY_CODES,
  alignUp,
  invalid,
  problemOf,
  utf8Length,
  writeUtf8,
  type Check,
  type FloatColumn,
} from './baseline-record.layout';

export { BASELINE_BINARY_MARKER, BASELINE_BINARY_SCHEMA, BASELINE_BINARY_VERSION } from './baseline-record.layout';

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Encodes a baseline record as `tideline.baseline/3` (layout in the package README and docs/metrics-to-alerts.md):
 * a 12-byte header, the names as length-prefixed UTF-8, a detector dictionary, then the columns, float64
 * little-endian for the numbers and one byte per point for detector, ready and seasonality. Validates as it writes
 * (the checks of the JSON schema) and throws {@link ContractValidationError} rather than produce a record consumers
 * would dead-letter. Cost: O(points), one allocation for the bytes plus one per distinct string.
 */
export function encodeBaselineBinary(record: BaselineRecord): Uint8Array {
  const c = record.points;
  const n = c.ts.length;
  if (n === 0) invalid('points.ts', 'too_many', 'is empty; a record has at least one point');
  if (record.series.length === 0) invalid('series', 'invalid', 'is empty');
  const tail = c.tailProbability;
  const tagEntries = Object.entries(record.tags);
  const detectors = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const d = c.detector[i];
    if (typeof d !== 'string') invalid(`points.detector.${i}`, 'wrong_type', 'is not a string');
    if (!detectors.has(d)) detectors.set(d, detectors.size);
  }
  if (detectors.size > 255) invalid('points.detector', 'too_many', `has ${detectors.size} distinct names; at most 255`);
  if (Object.hasOwn(record.tags, '__proto__')) invalid('tags.__proto__', 'reserved', 'is a reserved tag key');
  const strings = [record.series, record.host, record.metric];
  for (const [key, value] of tagEntries) strings.push(key, value);
  for (const name of detectors.keys()) strings.push(name);
  const lengths = new Array<number>(strings.length);
  let stringBytes = 0;
  for (let k = 0; k < strings.length; k++) {
    const length = utf8Length(strings[k]!);
    // UTF-8 would turn an unpaired surrogate into U+FFFD: refuse rather than change a name
    if (length < 0)
      invalid(stringField(k, tagEntries), 'not_writable', `has an unpaired surrogate: ${JSON.stringify(strings[k])}`);
    lengths[k] = length;
    stringBytes += 4 + length;
  }
  const columnsAt = alignUp(HEADER_BYTES + stringBytes);
  const floatColumns = FLOAT_COLUMNS.length + (tail === undefined ? 0 : 1);
  const bytes = new Uint8Array(columnsAt + n * (8 * floatColumns + 3));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  bytes[0] = BASELINE_BINARY_MARKER;
  bytes[1] = BASELINE_BINARY_VERSION;
  bytes[2] = tail === undefined ? 0 : FLAG_TAIL_PROBABILITY;
  bytes[3] = detectors.size;
  view.setUint32(4, n, true);
  view.setUint32(8, tagEntries.length, true);
  let at = HEADER_BYTES;
  for (let k = 0; k < strings.length; k++) {
    view.setUint32(at, lengths[k]!, true);
    writeUtf8(bytes, at + 4, strings[k]!, lengths[k]!);
    at += 4 + lengths[k]!;
  }
  at = columnsAt;
  for (const { name, check } of tail === undefined ? FLOAT_COLUMNS : FLOAT_COLUMNS_WITH_TAIL) {
    at = writeFloats(view, at, c[name as FloatColumn] as readonly number[] | undefined, n, name, check);
  }
  for (let i = 0; i < n; i++) bytes[at + i] = detectors.get(c.detector[i]!)!;
  at += n;
  for (let i = 0; i < n; i++) {
    const ready = c.ready[i];
    if (typeof ready !== 'boolean') invalid(`points.ready.${i}`, 'wrong_type', 'is not a boolean');
    bytes[at + i] = ready ? 1 : 0;
  }
  at += n;
  for (let i = 0; i < n; i++) {
    const code = SEASONALITY_CODES.indexOf(c.seasonality[i]!);
    if (code < 0) invalid(`points.seasonality.${i}`, 'invalid', `is ${JSON.stringify(c.seasonality[i])}`);
    bytes[at + i] = code;
  }
  return bytes;
}

function writeFloats(
  view: DataView,
  at: number,
  column: readonly number[] | undefined,
  n: number,
  name: string,
  check: Check,
): number {
  if (column?.length !== n) invalid(`points.${name}`, 'invalid', `has ${column?.length ?? 0} entries, not ${n}`);
  for (let i = 0; i < n; i++) {
    const x = column[i]!;
    if (typeof x !== 'number') invalid(`points.${name}.${i}`, 'wrong_type', 'is not a number');
    const problem = problemOf(check, x);
    if (problem !== undefined) invalid(`points.${name}.${i}`, problem[0], problem[1]);
    view.setFloat64(at + 8 * i, x, true);
  }
  return at + 8 * n;
}

/** The field the k-th string of the record's string table belongs to, for an error message. */
function stringField(k: number, tags: readonly [string, string][]): string {
  if (k < 3) return ['series', 'host', 'metric'][k]!;
  const tag = tags[Math.floor((k - 3) / 2)];
  return tag === undefined ? 'points.detector' : `tags.${tag[0]}`;
}

/** True when the bytes are a binary baseline record (of any version) rather than JSON. */
export function isBaselineBinary(bytes: Uint8Array): boolean {
  return bytes.byteLength > 0 && bytes[0] === BASELINE_BINARY_MARKER;
}

/** A decode failure, thrown inside the decoder and returned by {@link decodeBaselineBinary}. */
class BinaryDecodeError extends Error {
  constructor(readonly failure: DecodeFailure<BaselineDecodeFailureReason>) {
    super(failure.message);
  }
}

function fail(reason: BaselineDecodeFailureReason, message: string, field?: string): never {
  throw new BinaryDecodeError({
    reason,
    message: `${BASELINE_BINARY_SCHEMA}: ${message}`,
    ...(field === undefined ? {} : { field }),
  });
}

/**
 * Decodes a binary baseline record (see {@link encodeBaselineBinary}); never throws. Bytes that are truncated, carry
 * trailing bytes, hold invalid UTF-8 or a code outside its table fail with `invalid_binary`; another layout version
 * or unknown flags with `unsupported_schema`; a value the JSON schema would refuse (NaN, a score above 1, an empty
 * series, ...) with `schema_violation` naming the field; a `__proto__` tag key with `tag_key_reserved`. Size limits
 * are the caller's ({@link decodeBaselineRecord} checks `LIMITS.maxEventBytes` first).
 */
export function decodeBaselineBinary(bytes: Uint8Array): DecodeResult<BaselineRecord, BaselineDecodeFailureReason> {
  try {
    return { ok: true, value: readRecord(bytes) };
  } catch (error) {
    if (error instanceof BinaryDecodeError) return { ok: false, error: error.failure };
    throw error;
  }
}

function readRecord(bytes: Uint8Array): BaselineRecord {
  const length = bytes.byteLength;
  if (length < 2 || bytes[0] !== BASELINE_BINARY_MARKER) fail('invalid_binary', `${length} bytes, not a binary record`);
  if (bytes[1] !== BASELINE_BINARY_VERSION)
    fail(
      'unsupported_schema',
      `layout version ${bytes[1]}; this build reads version ${BASELINE_BINARY_VERSION}, bundles of them (version ${BASELINE_BUNDLE_VERSION}) and JSON tideline.baseline/2`,
      'version',
    );
  if (length < HEADER_BYTES) fail('invalid_binary', `truncated: ${length} bytes, the header alone is ${HEADER_BYTES}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, length);
  const flags = bytes[2]!;
  if ((flags & ~FLAG_TAIL_PROBABILITY) !== 0)
    fail('unsupported_schema', `flags 0x${flags.toString(16)} set bits this build does not know`, 'flags');
  const detectorCount = bytes[3]!;
  const n = view.getUint32(4, true);
  const tagCount = view.getUint32(8, true);
  if (n === 0) fail('schema_violation', 'field "points" is empty; a record has at least one point', 'points');
  if (detectorCount === 0) fail('invalid_binary', 'no detector names for its points');
  let at = HEADER_BYTES;
  const readString = (what: string): string => {
    if (at + 4 > length) fail('invalid_binary', `truncated at byte ${at}, reading the length of ${what}`);
    const size = view.getUint32(at, true);
    if (size > length - at - 4) fail('invalid_binary', `truncated: ${what} needs ${size} bytes past byte ${at + 4}`);
    const text = utf8At(bytes, at + 4, size);
    if (text === undefined) fail('invalid_binary', `${what} is not UTF-8`);
    at += 4 + size;
    return text;
  };
  const series = readString('series');
  if (series.length === 0) fail('schema_violation', 'field "series" is empty', 'series');
  const host = readString('host');
  const metric = readString('metric');
  // each tag takes at least 8 bytes: refuse an absurd count before allocating for it
  if (tagCount > (length - at) / 8) fail('invalid_binary', `truncated: ${tagCount} tags announced`);
  const tags: Record<string, string> = {};
  for (let t = 0; t < tagCount; t++) {
    const key = readString(`tag key ${t}`);
    const value = readString(`tag value ${t}`);
    if (key === '__proto__') fail('tag_key_reserved', `field "tags.__proto__" is reserved`, 'tags.__proto__');
    if (Object.hasOwn(tags, key)) fail('schema_violation', `field "tags.${key}" appears twice`, `tags.${key}`);
    tags[key] = value;
  }
  const detectorNames: string[] = [];
  for (let d = 0; d < detectorCount; d++) detectorNames.push(readString(`detector name ${d}`));
  at = alignUp(at);
  const hasTail = (flags & FLAG_TAIL_PROBABILITY) !== 0;
  const floatColumns = FLOAT_COLUMNS.length + (hasTail ? 1 : 0);
  const expectedLength = at + n * (8 * floatColumns + 3);
  if (expectedLength !== length)
    fail(
      'invalid_binary',
      length < expectedLength
        ? `truncated: ${n} points need ${expectedLength} bytes, the record has ${length}`
        : `${length - expectedLength} bytes after the last column`,
    );
  const columns: Partial<Record<FloatColumn, number[]>> = {};
  for (const { name, check } of hasTail ? FLOAT_COLUMNS_WITH_TAIL : FLOAT_COLUMNS) {
    columns[name] = readFloats(view, at, n, name, check);
    at += 8 * n;
  }
  const detector = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const name = detectorNames[bytes[at + i]!];
    if (name === undefined) fail('invalid_binary', `detector code ${bytes[at + i]} of point ${i} is not in its table`);
    detector[i] = name;
  }
  at += n;
  const ready = new Array<boolean>(n);
  for (let i = 0; i < n; i++) {
    const b = bytes[at + i]!;
    if (b > 1) fail('invalid_binary', `ready byte ${b} of point ${i} is neither 0 nor 1`);
    ready[i] = b === 1;
  }
  at += n;
  const seasonality = new Array<(typeof SEASONALITY_CODES)[number]>(n);
  for (let i = 0; i < n; i++) {
    const s = SEASONALITY_CODES[bytes[at + i]!];
    if (s === undefined) fail('invalid_binary', `seasonality code ${bytes[at + i]} of point ${i} is not in its table`);
    seasonality[i] = s;
  }
  const { ts, value, expected, lower, upper, score, deviation, observations, tailProbability } = columns as Record<
    FloatColumn,
    number[]
  >;
  return {
    schema: BASELINE_BINARY_SCHEMA,
    series,
    host,
    metric,
    tags,
    points: {
      ts,
      value,
      expected,
      lower,
      upper,
      score,
      detector,
      ready,
      deviation,
      seasonality,
      observations,
      ...(hasTail ? { tailProbability } : {}),
    },
  };
}

/** The bytes as UTF-8, or undefined when they are not. */
function utf8At(bytes: Uint8Array, at: number, size: number): string | undefined {
  try {
    return utf8Strict.decode(bytes.subarray(at, at + size));
  } catch {
    return undefined;
  }
}

function readFloats(view: DataView, at: number, n: number, name: string, check: Check): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const x = view.getFloat64(at + 8 * i, true);
    const problem = problemOf(check, x);
    if (problem !== undefined)
      fail('schema_violation', `field "points.${name}.${i}" ${problem[1]}`, `points.${name}.${i}`);
    out[i] = x;
  }
  return out;
}

/**
 * Second byte of a bundle: several binary records (version 3) in one Kafka record. The baseline service publishes the
 * judged points of one batch as one record per series, and Kafka clients cost ~10 µs of CPU per record on each side
 * (kafkajs encoding and decoding, its per-message objects): a bundle carries the records of every series of a batch
 * that share a partition of the baselines topic, in order, so each still reads as its own record.
 */
export const BASELINE_BUNDLE_VERSION = 4;
/** marker, version, two zero bytes, records (u32). */
const BUNDLE_HEADER_BYTES = 8;
/** Before each record: its length (u32) and four zero bytes, so that every record starts 8-aligned. */
const BUNDLE_ENTRY_BYTES = 8;

/** Bytes a bundle of records of these sizes takes. */
export function baselineBundleBytes(recordBytes: readonly number[]): number {
  let size = BUNDLE_HEADER_BYTES;
  for (const length of recordBytes) size += BUNDLE_ENTRY_BYTES + alignUp(length);
  return size;
}

/**
 * A binary record (version 3) on its way into a Kafka record value: its series (the value's key when it goes alone),
 * its size, and how to write it, so that a bundle is written in one buffer without a copy of each record first.
 */
export interface BaselineRecordSource {
  readonly key: string;
  readonly byteLength: number;
  /** Writes the record at `at` of `bytes` (zeroed there); `view` spans all of `bytes`. */
  writeTo(bytes: Uint8Array, view: DataView, at: number): void;
}

/** An encoded binary record (from {@link encodeBaselineBinary}) as a {@link BaselineRecordSource}. */
export function encodedBaselineRecord(key: string, record: Uint8Array): BaselineRecordSource {
  if (record[0] !== BASELINE_BINARY_MARKER || record[1] !== BASELINE_BINARY_VERSION)
    throw new RangeError(`a bundle holds binary records of version ${BASELINE_BINARY_VERSION} only`);
  return { key, byteLength: record.byteLength, writeTo: (bytes, _view, at) => bytes.set(record, at) };
}

/**
 * Encodes binary baseline records (each from {@link encodeBaselineBinary}) as one bundle: an 8-byte header (marker 0,
 * version 4, two zero bytes, the record count as u32 little-endian), then per record its length (u32 LE), four zero
 * bytes and its bytes, zero-padded to a multiple of 8. The records must be version 3 (a bundle holds no bundles).
 */
export function encodeBaselineBundle(records: readonly Uint8Array[]): Uint8Array {
  if (records.length === 0) throw new RangeError('a bundle holds at least one record');
  return writeBundle(records.map((record) => encodedBaselineRecord('', record)));
}

function writeBundle(records: readonly BaselineRecordSource[]): Uint8Array {
  const bytes = new Uint8Array(baselineBundleBytes(records.map((record) => record.byteLength)));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  bytes[0] = BASELINE_BINARY_MARKER;
  bytes[1] = BASELINE_BUNDLE_VERSION;
  view.setUint32(4, records.length, true);
  let at = BUNDLE_HEADER_BYTES;
  for (const record of records) {
    view.setUint32(at, record.byteLength, true);
    record.writeTo(bytes, view, at + BUNDLE_ENTRY_BYTES);
    at += BUNDLE_ENTRY_BYTES + alignUp(record.byteLength);
  }
  return bytes;
}

/**
 * Decodes a binary record or a bundle of them (see {@link encodeBaselineBundle}) into its records, in order; never
 * throws. A bundle fails whole, with the reason of its first bad record or of its own layout (`invalid_binary` for a
 * count of 0, a length past the end, non-zero padding or trailing bytes; `unsupported_schema` for a record inside that
 * is not version 3).
 */
export function decodeBaselineBinaryRecords(
  bytes: Uint8Array,
): DecodeResult<BaselineRecord[], BaselineDecodeFailureReason> {
  try {
    if (bytes.byteLength < 2 || bytes[1] !== BASELINE_BUNDLE_VERSION) return { ok: true, value: [readRecord(bytes)] };
    return { ok: true, value: readBundle(bytes) };
  } catch (error) {
    if (error instanceof BinaryDecodeError) return { ok: false, error: error.failure };
    throw error;
  }
}

function readBundle(bytes: Uint8Array): BaselineRecord[] {
  const length = bytes.byteLength;
  if (length < BUNDLE_HEADER_BYTES) fail('invalid_binary', `truncated bundle: ${length} bytes`);
  if (bytes[2] !== 0 || bytes[3] !== 0) fail('invalid_binary', 'bundle header bytes 2-3 are not zero');
  const view = new DataView(bytes.buffer, bytes.byteOffset, length);
  const count = view.getUint32(4, true);
  if (count === 0) fail('invalid_binary', 'empty bundle: it announces no records');
  if (count > (length - BUNDLE_HEADER_BYTES) / (BUNDLE_ENTRY_BYTES + HEADER_BYTES))
    fail('invalid_binary', `truncated bundle: ${count} records announced in ${length} bytes`);
  const records: BaselineRecord[] = [];
  let at = BUNDLE_HEADER_BYTES;
  for (let k = 0; k < count; k++) {
    if (at + BUNDLE_ENTRY_BYTES > length) fail('invalid_binary', `truncated bundle at record ${k}`);
    const size = view.getUint32(at, true);
    if (view.getUint32(at + 4, true) !== 0) fail('invalid_binary', `bundle record ${k}: entry padding is not zero`);
    const start = at + BUNDLE_ENTRY_BYTES;
    const end = start + size;
    if (end > length) fail('invalid_binary', `truncated bundle: record ${k} needs ${size} bytes past byte ${start}`);
    const record = bytes.subarray(start, end);
    if (record[1] !== BASELINE_BINARY_VERSION)
      fail(
        'unsupported_schema',
        `bundle record ${k} has layout version ${record[1]}; a bundle holds version ${BASELINE_BINARY_VERSION} records`,
        'version',
      );
    records.push(readRecord(record));
    at = start + alignUp(size);
    if (at > length) fail('invalid_binary', `truncated bundle: padding of record ${k}`);
    for (let i = end; i < at; i++)
      if (bytes[i] !== 0) fail('invalid_binary', `bundle record ${k}: padding is not zero`);
  }
  if (at !== length) fail('invalid_binary', `${length - at} bytes after the bundle's last record`);
  return records;
}

/**
 * Packs binary records (each with its Kafka key, the series), in order, into as few Kafka record values as fit
 * `maxBytes` each (the decoders' limit, `LIMITS.maxEventBytes`): bundles of several records, without a key, and a
 * record on its own, with its key, where it would fill a bundle alone. Each value is one buffer, written once.
 */
export function packBaselineRecords(
  records: readonly BaselineRecordSource[],
  maxBytes: number,
): { key: string | null; value: Uint8Array }[] {
  const values: { key: string | null; value: Uint8Array }[] = [];
  let group: BaselineRecordSource[] = [];
  let groupBytes = BUNDLE_HEADER_BYTES;
  const flush = () => {
    const [first] = group;
    if (group.length === 1 && first !== undefined) {
      const value = new Uint8Array(first.byteLength);
      first.writeTo(value, new DataView(value.buffer), 0);
      values.push({ key: first.key, value });
    } else if (group.length > 1) values.push({ key: null, value: writeBundle(group) });
    group = [];
    groupBytes = BUNDLE_HEADER_BYTES;
  };
  for (const record of records) {
    const entryBytes = BUNDLE_ENTRY_BYTES + alignUp(record.byteLength);
    if (group.length > 0 && groupBytes + entryBytes > maxBytes) flush();
    group.push(record);
    groupBytes += entryBytes;
  }
  flush();
  return values;
}
