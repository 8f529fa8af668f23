import { createRequire } from 'node:module';
import { crc32c } from './kafkajs-crc32c.fix';

/**
 * kafkajs 2.2.4 encodes each produced record into a fresh zero-filled 512-byte buffer that it grows by copying (a
 * judged-points record is ~1.3 KB), allocates an array and a `Buffer` for every varint it writes, computes the
 * timestamp delta's varlong with its BigInt-backed `Long`, then grows the record batch's buffer by doubling and
 * copying as it appends the records. In CPU profiles of the baseline service under `tideline bench e2e` that
 * allocation and copying was ~4 % of its busy CPU, plus the garbage it leaves, all of it on the alert path.
 *
 * {@link encodeRecord} writes the same bytes into one buffer of the exact size, with plain-number varints;
 * {@link encodeRecordBatch} sizes the batch's buffers from its records before writing them. Anything out of the
 * common case (record headers, a non-integer or huge timestamp delta, a key or value that is neither bytes nor text,
 * a compressed batch) goes to kafkajs' own encoder. The fix replaces the modules kafkajs' produce request loads them
 * from, before that request is loaded (on the process's first send): {@link createKafka} applies it, after the
 * checksum fix ({@link applyKafkajsCrc32cFix}: this one loads the record batch encoder, which loads the checksum).
 * Only for the kafkajs version it was written against.
 */
export function applyKafkajsRecordEncoderFix(): 'applied' | 'already-applied' | 'too-late' | 'not-needed' {
  try {
    const load = createRequire(__filename);
    const { version } = load('kafkajs/package.json') as { version: string };
    if (version !== '2.2.4') return 'not-needed';
    const recordPath = load.resolve('kafkajs/src/protocol/recordBatch/record/v0');
    const batchPath = load.resolve('kafkajs/src/protocol/recordBatch/v0');
    const producePath = load.resolve('kafkajs/src/protocol/requests/produce/v3/request');
    if (load.cache[recordPath]?.exports === encodeRecord) return 'already-applied';
    if (load.cache[producePath] !== undefined) return 'too-late';
    const parts = kafkajsParts();
    const recordModule = load.cache[recordPath];
    const batchModule = load.cache[batchPath];
    if (recordModule === undefined || batchModule === undefined) return 'not-needed';
    recordModule.exports = encodeRecord;
    batchModule.exports = { ...parts.batchModule, RecordBatch: encodeRecordBatch };
    return 'applied';
  } catch {
    return 'not-needed';
  }
}

/** kafkajs' protocol `Encoder`, as far as these encoders use it. */
export interface Encoder {
  buf: Buffer;
  offset: number;
  readonly buffer: Buffer;
  writeInt8(value: number): Encoder;
  writeInt16(value: number): Encoder;
  writeInt32(value: number): Encoder;
  writeUInt32(value: number): Encoder;
  writeInt64(value: unknown): Encoder;
  writeBytes(value: Buffer): Encoder;
  writeEncoder(value: Encoder): Encoder;
  writeArray(array: readonly Encoder[], type: 'object'): Encoder;
}

/** What kafkajs' produce request passes to the record encoder. */
export interface RecordFields {
  readonly offsetDelta?: number;
  readonly timestampDelta?: unknown;
  readonly key?: unknown;
  readonly value?: unknown;
  readonly headers?: unknown;
}

/** What kafkajs' produce request passes to the record batch encoder. */
export interface RecordBatchFields {
  readonly compression?: number;
  readonly firstOffset?: unknown;
  readonly firstTimestamp?: unknown;
  readonly maxTimestamp?: unknown;
  readonly partitionLeaderEpoch?: number;
  readonly lastOffsetDelta?: number;
  readonly transactional?: boolean;
  readonly producerId?: unknown;
  readonly producerEpoch?: number;
  readonly firstSequence?: number;
  readonly records?: readonly unknown[];
}

interface KafkajsParts {
  readonly Encoder: { prototype: Encoder };
  readonly Long: { fromInt(value: number): unknown; fromValue(value: unknown): unknown };
  readonly originalRecord: (fields: RecordFields) => Encoder;
  readonly batchModule: {
    readonly RecordBatch: (fields: RecordBatchFields) => Promise<Encoder>;
    readonly MAGIC_BYTE: number;
  };
  readonly none: number;
}

let parts: KafkajsParts | undefined;

/** kafkajs' own modules, loaded once (the original encoders are kept for what the fast paths leave to them). */
function kafkajsParts(): KafkajsParts {
  if (parts === undefined) {
    const load = createRequire(__filename);
    parts = {
      Encoder: load('kafkajs/src/protocol/encoder') as KafkajsParts['Encoder'],
      Long: load('kafkajs/src/utils/long') as KafkajsParts['Long'],
      originalRecord: load('kafkajs/src/protocol/recordBatch/record/v0') as KafkajsParts['originalRecord'],
      batchModule: load('kafkajs/src/protocol/recordBatch/v0') as KafkajsParts['batchModule'],
      none: (load('kafkajs/src/protocol/message/compression') as { Types: { None: number } }).Types.None,
    };
  }
  return parts;
}

/** An encoder over an uninitialised buffer of exactly `size` bytes: every byte is written before it is read. */
function presized(size: number): Encoder {
  const encoder = Object.create(kafkajsParts().Encoder.prototype) as Encoder;
  encoder.buf = Buffer.allocUnsafe(size);
  encoder.offset = 0;
  return encoder;
}

/** Largest timestamp delta (ms, either sign) whose zigzag form is still a safe integer. */
const MAX_PLAIN_DELTA = 2 ** 51;

/**
 * kafkajs' `recordBatch/record/v0` (Record => Length Attributes TimestampDelta OffsetDelta Key Value Headers), byte
 * for byte, for a record without headers.
 */
export function encodeRecord(fields: RecordFields): Encoder {
  const { offsetDelta = 0, timestampDelta = 0, key, value, headers } = fields;
  const keyBytes = bytesOf(key);
  const valueBytes = bytesOf(value);
  if (
    keyBytes === false ||
    valueBytes === false ||
    !hasNoHeaders(headers) ||
    typeof timestampDelta !== 'number' ||
    !Number.isInteger(timestampDelta) ||
    Math.abs(timestampDelta) > MAX_PLAIN_DELTA ||
    !isInt32(offsetDelta)
  )
    return kafkajsParts().originalRecord(fields);
  const timestampZigzag = timestampDelta >= 0 ? timestampDelta * 2 : -timestampDelta * 2 - 1;
  const bodySize =
    1 +
    unsignedVarintSize(timestampZigzag) +
    varintSize(offsetDelta) +
    bytesFieldSize(keyBytes) +
    bytesFieldSize(valueBytes) +
    1; // no headers: a count of 0
  const encoder = presized(varintSize(bodySize) + bodySize);
  const buf = encoder.buf;
  let at = writeUnsignedVarint(buf, 0, zigzag32(bodySize));
  buf[at++] = 0; // attributes: none used by records
  at = writeUnsignedVarint(buf, at, timestampZigzag);
  at = writeUnsignedVarint(buf, at, zigzag32(offsetDelta));
  at = writeBytesField(buf, at, keyBytes);
  at = writeBytesField(buf, at, valueBytes);
  buf[at++] = 0;
  encoder.offset = at;
  return encoder;
}

/**
 * kafkajs' `recordBatch/v0` `RecordBatch` for an uncompressed batch of encoded records, byte for byte, its buffers
 * sized up front; anything else goes to kafkajs' own.
 */
export async function encodeRecordBatch(fields: RecordBatchFields): Promise<Encoder> {
  const { Long, batchModule, none } = kafkajsParts();
  const {
    compression = none,
    firstOffset = Long.fromInt(0),
    firstTimestamp = Date.now(),
    maxTimestamp = Date.now(),
    partitionLeaderEpoch = 0,
    lastOffsetDelta = 0,
    transactional = false,
    producerId = Long.fromValue(-1),
    producerEpoch = 0,
    firstSequence = 0,
    records = [],
  } = fields;
  if (compression !== none || records.length === 0 || !records.every(isEncoder)) return batchModule.RecordBatch(fields);
  const encoded = records as readonly Encoder[];
  let recordBytes = 0;
  for (const record of encoded) recordBytes += record.offset;
  // the low three bits of kafkajs' attributes are the codec (none here); bit 4 marks a transactional batch
  const attributes = transactional ? TRANSACTIONAL_MASK : 0;
  const body = presized(BODY_HEADER_BYTES + 4 + recordBytes)
    .writeInt16(attributes)
    .writeInt32(lastOffsetDelta)
    .writeInt64(firstTimestamp)
    .writeInt64(maxTimestamp)
    .writeInt64(producerId)
    .writeInt16(producerEpoch)
    .writeInt32(firstSequence)
    .writeArray(encoded, 'object');
  const batch = presized(4 + 1 + 4 + body.offset)
    .writeInt32(partitionLeaderEpoch)
    .writeInt8(batchModule.MAGIC_BYTE)
    .writeUInt32(crc32c(body.buffer))
    .writeEncoder(body);
  return presized(8 + 4 + batch.offset)
    .writeInt64(firstOffset)
    .writeBytes(batch.buffer);
}

const TRANSACTIONAL_MASK = 16;
/** Attributes, LastOffsetDelta, FirstTimestamp, MaxTimestamp, ProducerId, ProducerEpoch, FirstSequence. */
const BODY_HEADER_BYTES = 2 + 4 + 8 + 8 + 8 + 2 + 4;

function isEncoder(record: unknown): boolean {
  return typeof record === 'object' && record !== null && Buffer.isBuffer((record as { buf?: unknown }).buf);
}

function hasNoHeaders(headers: unknown): boolean {
  if (headers === undefined) return true;
  if (typeof headers !== 'object' || headers === null) return false;
  for (const _ in headers) return false;
  return true;
}

/** A key or value as kafkajs writes it: null (absent), its bytes, or `false` when kafkajs' own encoder must decide. */
function bytesOf(x: unknown): Buffer | string | null | false {
  if (x === null || x === undefined) return null;
  if (Buffer.isBuffer(x) || typeof x === 'string') return x;
  return false;
}

function isInt32(x: number): boolean {
  return Number.isInteger(x) && x >= -(2 ** 31) && x < 2 ** 31;
}

/** kafkajs' `encodeZigZag` (32-bit), as an unsigned number. */
function zigzag32(value: number): number {
  return ((value << 1) ^ (value >> 31)) >>> 0;
}

function varintSize(value: number): number {
  return unsignedVarintSize(zigzag32(value));
}

function unsignedVarintSize(unsigned: number): number {
  let bytes = 1;
  for (let rest = unsigned; rest >= 128; rest = Math.floor(rest / 128)) bytes++;
  return bytes;
}

function writeUnsignedVarint(buf: Buffer, at: number, unsigned: number): number {
  let rest = unsigned;
  while (rest >= 128) {
    buf[at++] = (rest % 128) | 0x80;
    rest = Math.floor(rest / 128);
  }
  buf[at++] = rest;
  return at;
}

function bytesFieldSize(bytes: Buffer | string | null): number {
  if (bytes === null) return varintSize(-1);
  const length = typeof bytes === 'string' ? Buffer.byteLength(bytes, 'utf8') : bytes.length;
  return varintSize(length) + length;
}

function writeBytesField(buf: Buffer, at: number, bytes: Buffer | string | null): number {
  if (bytes === null) return writeUnsignedVarint(buf, at, zigzag32(-1));
  if (typeof bytes === 'string') {
    const length = Buffer.byteLength(bytes, 'utf8');
    const next = writeUnsignedVarint(buf, at, zigzag32(length));
    return next + buf.write(bytes, next, length, 'utf8');
  }
  const next = writeUnsignedVarint(buf, at, zigzag32(bytes.length));
  bytes.copy(buf, next);
  return next + bytes.length;
}
