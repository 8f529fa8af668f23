import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  applyKafkajsRecordDecoderFix,
  decodeRecord,
  type Decoder,
  type RecordBatchContext,
} from './kafkajs-record-decoder.fix';

const load = createRequire(__filename);
const recordDecoderPath = load.resolve('kafkajs/src/protocol/recordBatch/record/v0/decoder');

/** kafkajs' own record decoder, the oracle, loaded afresh even when the fix already replaced the cached module. */
const reference = (() => {
  const cached = load.cache[recordDecoderPath];
  delete load.cache[recordDecoderPath];
  try {
    return load(recordDecoderPath) as (decoder: Decoder, context?: RecordBatchContext) => object;
  } finally {
    if (cached !== undefined) load.cache[recordDecoderPath] = cached;
  }
})();
const KafkaDecoder = load('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => Decoder;
const encodeRecord = load('kafkajs/src/protocol/recordBatch/record/v0') as (record: object) => { buffer: Buffer };
const { LOG_APPEND_TIME, CREATE_TIME } = load('kafkajs/src/protocol/timestampTypes') as Record<string, number>;

/** One record as kafkajs' record batch decoder hands it to the record decoder: its bytes without the length. */
function recordBytes(record: object): Buffer {
  return new KafkaDecoder(encodeRecord(record).buffer).readVarIntBytes()!;
}

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const delta = fc.oneof(
  fc.integer({ min: -1000, max: 100_000 }),
  fc.integer(),
  fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }).map(String),
);
const base = fc.oneof(
  fc.nat({ max: 10_000_000 }).map(String),
  fc.constant('-1'),
  fc.constant(String(Number.MAX_SAFE_INTEGER)),
  int64.map(String),
);
const bytes = fc.option(fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)));
const headers = fc.dictionary(
  fc.constantFrom('a', 'b', 'trace-id'),
  fc.oneof(fc.string({ maxLength: 8 }), fc.array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 3 })),
  { maxKeys: 3 },
);

describe('decodeRecord (kafkajs record decoder)', () => {
  it('decodes every record exactly as kafkajs 2.2.4 does (offsets, timestamps, key, value, headers)', () => {
    fc.assert(
      fc.property(
        fc.record({ timestampDelta: delta, offsetDelta: fc.integer({ min: 0, max: 2 ** 31 - 1 }) }),
        fc.record({ firstOffset: base, firstTimestamp: base, maxTimestamp: base }),
        fc.constantFrom(CREATE_TIME, LOG_APPEND_TIME, undefined),
        fc.boolean(),
        bytes,
        bytes,
        headers,
        (deltas, bases, timestampType, isControlBatch, key, value, recordHeaders) => {
          const record = recordBytes({ ...deltas, key, value, headers: recordHeaders });
          const context = { ...bases, magicByte: 2, isControlBatch, timestampType };
          const expected = reference(new KafkaDecoder(record), context);
          const actual = decodeRecord(new KafkaDecoder(record), context);
          assert.deepStrictEqual(actual, expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('gives the next field where kafkajs does: the decoder ends at the same offset', () => {
    const record = recordBytes({ timestampDelta: -2, offsetDelta: 7, key: Buffer.from('k'), value: null });
    const ours = new KafkaDecoder(Buffer.concat([record, Buffer.from([9])]));
    const theirs = new KafkaDecoder(Buffer.concat([record, Buffer.from([9])]));
    const context = { firstOffset: '10', firstTimestamp: '1700000000000' };
    assert.deepStrictEqual(decodeRecord(ours, context), reference(theirs, context));
    assert.equal(ours.offset, theirs.offset);
    assert.deepEqual(decodeRecord(new KafkaDecoder(record), context), {
      ...reference(new KafkaDecoder(record), context),
      offset: '17',
      timestamp: '1699999999998',
    });
  });

  it('replaces the record decoder kafkajs’ record batch decoder loads', () => {
    assert.match(applyKafkajsRecordDecoderFix(), /^(applied|already-applied)$/);
    assert.equal(applyKafkajsRecordDecoderFix(), 'already-applied');
    assert.equal(load('kafkajs/src/protocol/recordBatch/record/v0/decoder'), decodeRecord);
  });
});
