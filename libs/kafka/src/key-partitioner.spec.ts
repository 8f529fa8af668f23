import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { keyPartitioner, murmur2, partitionOfKey } from './key-partitioner';

// kafkajs' own Long-based implementation: the reference
const reference = createRequire(__filename)('kafkajs/src/producer/partitioners/default/murmur2') as (
  key: Buffer | string,
) => number;

const metadata = (count: number, leaderless: number[] = []): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 0,
    replicas: [0],
    isr: [0],
    offlineReplicas: [],
    partitionErrorCode: 0,
  }));

describe('murmur2 (Kafka key partitioning)', () => {
  it('gives kafkajs’ hash for every key length, and Java’s for known keys', () => {
    const data = randomBytes(4096);
    for (let length = 0; length <= 70; length++)
      for (const offset of [0, 1, 2, 3, 100, 1000]) {
        const key = data.subarray(offset, offset + length);
        assert.equal(murmur2(key), reference(key), `length ${length}, offset ${offset}`);
      }
    // values of the Java client's Utils.murmur2, from its own unit test (UtilsTest.testMurmur2)
    assert.equal(murmur2(Buffer.from('21')), -973932308);
    assert.equal(murmur2(Buffer.from('foobar')), -790332482);
    assert.equal(murmur2(Buffer.from('a-little-bit-long-string')), -985981536);
    assert.equal(murmur2(Buffer.from('a-little-bit-longer-string')), -1486304829);
    assert.equal(murmur2(Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8')), -58897971);
    assert.equal(murmur2(Buffer.from([97, 98, 99])), 479470107);
  });

  it('chooses the partitions kafkajs’ default partitioner chooses', () => {
    const ours = keyPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    for (let i = 0; i < 2000; i++) {
      const key = i % 2 === 0 ? `cpu.usage|host=web-${i}|region=eu` : randomBytes(1 + (i % 40));
      const partitionMetadata = metadata(1 + (i % 12));
      const message = { key, value: null };
      const expected = theirs({ topic: 't', partitionMetadata, message });
      assert.equal(ours({ topic: 't', partitionMetadata, message }), expected);
      assert.equal(partitionOfKey(key, partitionMetadata.length), expected);
    }
  });

  it('keeps a record’s own partition, and spreads keyless records over partitions with a leader', () => {
    const choose = keyPartitioner();
    assert.equal(
      choose({ topic: 't', partitionMetadata: metadata(3), message: { key: 'k', value: null, partition: 2 } }),
      2,
    );
    const seen = new Set<number>();
    for (let i = 0; i < 30; i++)
      seen.add(choose({ topic: 't', partitionMetadata: metadata(4, [1]), message: { value: null } }));
    assert.deepEqual([...seen].sort(), [0, 2, 3]);
  });
});
