import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import type { Message, PartitionerArgs, PartitionMetadata } from 'kafkajs';
import { applyKafkajsPartitionGroupingFix, groupMessagesPerPartition } from './kafkajs-partition-grouping.fix';

type Grouping = (args: {
  topic: string;
  partitionMetadata: PartitionMetadata[];
  messages: Message[];
  partitioner: (args: PartitionerArgs) => number;
}) => Record<number, Message[]>;

const metadata = (count: number): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
    partitionErrorCode: 0,
  }));

describe('groupMessagesPerPartition (kafkajs producer)', () => {
  it('groups like kafkajs’ own: same partitions, same messages, same order', () => {
    const load = createRequire(__filename);
    const path = load.resolve('kafkajs/src/producer/groupMessagesPerPartition');
    // kafkajs' own module, loaded fresh from its file even when the fix has replaced the cached one
    const module = { exports: undefined as unknown as Grouping };
    new Function('module', readFileSync(path, 'utf8'))(module);
    const reference = module.exports;
    const messages: Message[] = Array.from({ length: 1000 }, (_, i) => ({ key: `k${i % 37}`, value: `${i}` }));
    const partitioner = ({ message }: PartitionerArgs) => Number(String(message.key).slice(1)) % 5;
    for (const count of [0, 1, 5]) {
      const args = { topic: 't', partitionMetadata: metadata(count), messages, partitioner };
      assert.deepEqual(groupMessagesPerPartition(args), reference(args));
    }
  });

  it('replaces the grouping kafkajs’ producer loads', () => {
    assert.match(applyKafkajsPartitionGroupingFix(), /^(applied|already-applied)$/);
    assert.equal(applyKafkajsPartitionGroupingFix(), 'already-applied');
    const load = createRequire(__filename);
    assert.equal(load('kafkajs/src/producer/groupMessagesPerPartition'), groupMessagesPerPartition);
  });
});
