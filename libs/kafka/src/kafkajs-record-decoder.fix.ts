import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 decodes every consumed record's offset and timestamp with its BigInt-backed `Long`: it parses the
 * batch's first offset and first timestamp from their decimal strings again for each record, reads the timestamp
 * delta one `Long` operation per byte, adds, and prints the sum back to a string. In CPU profiles of the baseline
 * service under `tideline bench e2e` those `Long` steps were ~4 % of its busy CPU, plus the garbage they leave.
 * {@link decodeRecord} gives the same record, computing with plain numbers whenever every value involved is a safe
 * integer (offsets and millisecond timestamps always are in practice) and with kafkajs' `Long` otherwise. The fix
 * replaces the module kafkajs loads the record decoder from, before its record batch decoder is loaded (kafkajs
 * loads it with the first fetch response), so it must run before the process's first fetch: {@link createKafka}
 * applies it. Only for the kafkajs version it was written against.
 */
export function applyKafkajsRecordDecoderFix(): 'applied' | 'already-applied' | 'too-late' | 'not-needed' {
  try {
    const load = createRequire(__filename);
    const { version } = load('kafkajs/package.json') as { version: string };
    if (version !== '2.2.4') return 'not-needed';
    const recordDecoderPath = load.resolve('kafkajs/src/protocol/recordBatch/record/v0/decoder');
    const batchDecoderPath = load.resolve('kafkajs/src/protocol/recordBatch/v0/decoder');
    const cached = load.cache[recordDecoderPath];
    if (cached?.exports === decodeRecord) return 'already-applied';
    if (load.cache[batchDecoderPath] !== undefined) return 'too-late';
    load(recordDecoderPath);
    const module = load.cache[recordDecoderPath];
    if (module === undefined) return 'not-needed';
    module.exports = decodeRecord;
    return 'applied';
  } catch {
    return 'not-needed';
  }
}

/** kafkajs' `Long` (2.2.4: a BigInt wrapper), as far as the record decoder uses it. */
interface Long {
  add(addend: Long | number): Long;
  toString(): string;
}
interface LongClass {
  fromValue(value: unknown): Long;
}

/** kafkajs' protocol `Decoder`, as far as the record decoder uses it. */
export interface Decoder {
  buffer: Buffer;
  offset: number;
  readInt8(): number;
  readVarInt(): number;
  readVarLong(): Long;
  readVarIntBytes(): Buffer | null;
  readVarIntArray<T>(decode: (decoder: Decoder) => T): T[];
}

/** What kafkajs' record batch decoder passes to the record decoder. */
export interface RecordBatchContext {
  readonly firstOffset?: unknown;
  readonly firstTimestamp?: unknown;
  readonly magicByte?: unknown;
  readonly isControlBatch?: boolean;
  readonly timestampType?: unknown;
  readonly maxTimestamp?: unknown;
}

let kafkajs: { Long: LongClass; HeaderDecoder: (decoder: Decoder) => unknown; logAppendTime: number } | undefined;

function kafkajsParts(): NonNullable<typeof kafkajs> {
  if (kafkajs === undefined) {
    const load = createRequire(__filename);
    kafkajs = {
      Long: load('kafkajs/src/utils/long') as LongClass,
      HeaderDecoder: load('kafkajs/src/protocol/recordBatch/header/v0/decoder') as (decoder: Decoder) => unknown,
      logAppendTime: (load('kafkajs/src/protocol/timestampTypes') as { LOG_APPEND_TIME: number }).LOG_APPEND_TIME,
    };
  }
  return kafkajs;
}

/**
 * kafkajs' `recordBatch/record/v0/decoder` (Record => Length Attributes TimestampDelta OffsetDelta Key Value
 * Headers), field for field, with the same result object: only the arithmetic of `offset` and `timestamp` differs.
 */
export function decodeRecord(decoder: Decoder, batchContext: RecordBatchContext = {}): object {
  const { Long, HeaderDecoder, logAppendTime } = kafkajsParts();
  const { firstOffset, firstTimestamp, magicByte, isControlBatch = false, timestampType, maxTimestamp } = batchContext;
  const attributes = decoder.readInt8();
  const timestampDelta = readVarLong(decoder);
  const timestamp =
    timestampType === logAppendTime && maxTimestamp ? maxTimestamp : sum(Long, firstTimestamp, timestampDelta);
  const offsetDelta = decoder.readVarInt();
  const offset = sum(Long, firstOffset, offsetDelta);
  const key = decoder.readVarIntBytes();
  const value = decoder.readVarIntBytes();
  const headers = decoder.readVarIntArray(HeaderDecoder as (d: Decoder) => { key: string; value: unknown });
  return {
    magicByte,
    attributes,
    timestamp,
    offset,
    key,
    value,
    headers: headers.length === 0 ? {} : headersObject(headers),
    isControlRecord: isControlBatch,
    batchContext,
  };
}

/** kafkajs' grouping of a record's headers: a key seen more than once gets an array of its values, in order. */
function headersObject(headers: readonly { key: string; value: unknown }[]): Record<string, unknown> {
  return headers.reduce<Record<string, unknown>>(
    (obj, { key, value }) => ({
      ...obj,
      [key]: obj[key] === undefined ? value : Array.isArray(obj[key]) ? obj[key].concat([value]) : [obj[key], value],
    }),
    {},
  );
}

/** The most bytes of a varlong whose value is certain to be a safe integer (7 × 7 = 49 bits). */
const SAFE_VARLONG_BYTES = 7;

/**
 * A zigzag varlong as a number when it has at most {@link SAFE_VARLONG_BYTES} bytes (a timestamp delta of up to
 * ~8,900 years), otherwise kafkajs' own `Long` reading of the same bytes.
 */
function readVarLong(decoder: Decoder): number | Long {
  const { buffer } = decoder;
  const start = decoder.offset;
  let unsigned = 0;
  let scale = 1;
  for (let i = start; i < start + SAFE_VARLONG_BYTES && i < buffer.length; i++) {
    const byte = buffer[i]!;
    unsigned += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      decoder.offset = i + 1;
      return unsigned % 2 === 0 ? unsigned / 2 : -(unsigned + 1) / 2;
    }
    scale *= 128;
  }
  return decoder.readVarLong();
}

/** The last base read as a number (a record batch's records share their base offset and timestamp strings). */
let lastBase = '';
let lastStart = Number.NaN;

/** `base + delta` as kafkajs prints it (`Long.fromValue(base).add(delta).toString()`). */
function sum(Long: LongClass, base: unknown, delta: number | Long): string {
  if (typeof base === 'string' && typeof delta === 'number') {
    if (base !== lastBase) {
      lastBase = base;
      const start = Number(base);
      // `Number` also reads forms `Long` reads otherwise ('0x10', ' 1', '1e3'): only a canonical decimal qualifies
      lastStart = Number.isSafeInteger(start) && String(start) === base ? start : Number.NaN;
    }
    const total = lastStart + delta;
    if (Number.isSafeInteger(total)) return String(total);
  }
  return Long.fromValue(base).add(delta).toString();
}
