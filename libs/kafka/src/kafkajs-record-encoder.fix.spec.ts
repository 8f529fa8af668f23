import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  applyKafkajsRecordEncoderFix,
  encodeRecord,
  encodeRecordBatch,
  type Encoder,
  type RecordBatchFields,
  type RecordFields,
} from './kafkajs-record-encoder.fix';

const load = createRequire(__filename);

/** A kafkajs module as kafkajs ships it, loaded afresh even when the fix already replaced the cached one. */
function original<T>(id: string): T {
  const path = load.resolve(id);
  const cached = load.cache[path];
  delete load.cache[path];
  try {
    return load(path) as T;
  } finally {
    if (cached !== undefined) load.cache[path] = cached;
  }
}

// the oracles: kafkajs' own record and record batch encoders
const referenceRecord = original<(fields: RecordFields) => Encoder>('kafkajs/src/protocol/recordBatch/record/v0');
const referenceBatch = original<{ RecordBatch: (fields: RecordBatchFields) => Promise<Encoder> }>(
  'kafkajs/src/protocol/recordBatch/v0',
).RecordBatch;
const Long = load('kafkajs/src/utils/long') as { fromValue(value: unknown): unknown };
const { Types } = load('kafkajs/src/protocol/message/compression') as { Types: Record<string, number> };

/** The bytes an encoder writes, or the kind of error it throws (kafkajs refuses a non-integer timestamp delta). */
async function outcome(encode: () => Encoder | Promise<Encoder>): Promise<Buffer | string> {
  try {
    return (await encode()).buffer;
  } catch (error) {
    return `throws ${(error as Error).name}`;
  }
}

const keyOrValue = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.string({ maxLength: 40, unit: 'binary' }),
);
const record = fc.record(
  {
    offsetDelta: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    timestampDelta: fc.oneof(
      fc.integer({ min: -5000, max: 5000 }),
      fc.maxSafeInteger(),
      fc.constant(2 ** 51),
      fc.constant(-(2 ** 51) - 1),
      fc.double({ noNaN: true, min: -1e6, max: 1e6 }),
    ),
    key: keyOrValue,
    value: keyOrValue,
    headers: fc.oneof(fc.constant({}), fc.dictionary(fc.constantFrom('a', 'b'), fc.string({ maxLength: 5 }))),
  },
  { requiredKeys: ['offsetDelta', 'key', 'value'] },
);

describe('encodeRecord and encodeRecordBatch (kafkajs record encoders)', () => {
  it('encodes every record to the bytes kafkajs 2.2.4 writes', async () => {
    await fc.assert(
      fc.asyncProperty(record, async (fields) => {
        const expected = await outcome(() => referenceRecord(fields));
        assert.deepStrictEqual(await outcome(() => encodeRecord(fields)), expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('writes a judged-points record (1.3 KB value, series key, small positive delta) exactly', () => {
    const fields = { offsetDelta: 41, timestampDelta: 3, key: 'cpu|host=web-1', value: Buffer.alloc(1300, 7) };
    const ours = encodeRecord(fields).buffer;
    assert.deepStrictEqual(ours, referenceRecord(fields).buffer);
    assert.equal(ours.length, 2 + 1 + 1 + 1 + 1 + 14 + 2 + 1300 + 1);
  });

  it('encodes every record batch to the bytes kafkajs 2.2.4 writes (checksum included), compressed ones by kafkajs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          record.filter((fields) => Number.isInteger(fields.timestampDelta ?? 0)),
          { maxLength: 8 },
        ),
        fc.record({
          compression: fc.constantFrom(Types.None, Types.GZIP),
          firstOffset: fc.bigInt({ min: 0n, max: 2n ** 62n }).map((n) => Long.fromValue(n)),
          firstTimestamp: fc.integer({ min: 0, max: 2 ** 45 }),
          maxTimestamp: fc.integer({ min: 0, max: 2 ** 45 }),
          partitionLeaderEpoch: fc.integer({ min: 0, max: 1000 }),
          lastOffsetDelta: fc.integer({ min: 0, max: 1000 }),
          transactional: fc.boolean(),
          producerId: fc.bigInt({ min: -1n, max: 2n ** 62n }).map((n) => Long.fromValue(n)),
          producerEpoch: fc.integer({ min: 0, max: 32767 }),
          firstSequence: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        }),
        async (recordFields, batchFields) => {
          const fields = { ...batchFields, records: recordFields.map(referenceRecord) };
          const theirs = await referenceBatch(fields);
          const ours = await encodeRecordBatch(fields);
          assert.deepStrictEqual(ours.buffer, theirs.buffer);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('replaces the record and record batch encoders kafkajs’ produce request loads', () => {
    assert.match(applyKafkajsRecordEncoderFix(), /^(applied|already-applied)$/);
    assert.equal(applyKafkajsRecordEncoderFix(), 'already-applied');
    assert.equal(load('kafkajs/src/protocol/recordBatch/record/v0'), encodeRecord);
    const batchModule = load('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: unknown; MAGIC_BYTE: number };
    assert.equal(batchModule.RecordBatch, encodeRecordBatch);
    assert.equal(batchModule.MAGIC_BYTE, 2);
  });
});
