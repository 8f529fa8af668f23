import { createRequire } from 'node:module';
import type { Message, PartitionerArgs, PartitionMetadata } from 'kafkajs';

interface GroupingArgs {
  readonly topic: string;
  readonly partitionMetadata: PartitionMetadata[];
  readonly messages: Message[];
  readonly partitioner: (args: PartitionerArgs) => number;
}

/**
 * kafkajs 2.2.4 groups a send's messages per partition by copying the partition's array for each message
 * (`groupMessagesPerPartition`: `[...current, message]`), quadratic in the send's size. {@link groupMessagesPerPartition}
 * gives the same groups, in the same order, appending. The fix replaces the module before kafkajs' producer loads it
 * (on creating the first producer), so {@link createKafka} applies it. Only for the kafkajs version it was written
 * against.
 */
export function applyKafkajsPartitionGroupingFix(): 'applied' | 'already-applied' | 'too-late' | 'not-needed' {
  try {
    const load = createRequire(__filename);
    const { version } = load('kafkajs/package.json') as { version: string };
    if (version !== '2.2.4') return 'not-needed';
    const groupingPath = load.resolve('kafkajs/src/producer/groupMessagesPerPartition');
    const senderPath = load.resolve('kafkajs/src/producer/sendMessages');
    const cached = load.cache[groupingPath];
    if (cached?.exports === groupMessagesPerPartition) return 'already-applied';
    if (load.cache[senderPath] !== undefined) return 'too-late';
    load(groupingPath);
    const module = load.cache[groupingPath];
    if (module === undefined) return 'not-needed';
    module.exports = groupMessagesPerPartition;
    return 'applied';
  } catch {
    return 'not-needed';
  }
}

/** The messages of one topic's send by the partition the partitioner gives each, in send order. */
export function groupMessagesPerPartition({
  topic,
  partitionMetadata,
  messages,
  partitioner,
}: GroupingArgs): Record<number, Message[]> {
  const groups: Record<number, Message[]> = {};
  if (partitionMetadata.length === 0) return groups;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    const group = groups[partition];
    if (group === undefined) groups[partition] = [message];
    else group.push(message);
  }
  return groups;
}
