import { randomInt } from 'node:crypto';
import type { ICustomPartitioner, PartitionerArgs } from 'kafkajs';

/**
 * Kafka's murmur2 (the Java client's `Utils.murmur2`) of `key`, as a signed 32-bit integer. kafkajs 2.2.4 computes the
 * same hash through its 64-bit `Long` class, a handful of objects per 4 bytes of key: with one judged-points record
 * per series per batch that was ~4 % of the baseline service's busy CPU. 32-bit `Math.imul` gives the same low 32
 * bits, which is all the hash keeps.
 */
export function murmur2(key: Uint8Array): number {
  const m = 0x5bd1e995;
  const length = key.length;
  let h = 0x9747b28c ^ length;
  const length4 = length & ~3;
  for (let i = 0; i < length4; i += 4) {
    let k = key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  // the tail: up to 3 bytes (the Java original falls through its cases)
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) h ^= key[length4 + 2]! << 16;
    if (rest >= 2) h ^= key[length4 + 1]! << 8;
    h ^= key[length4]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Kafka's default partitioner (Java's and kafkajs') gives a record with this key. */
export function partitionOfKey(key: Uint8Array | string, partitions: number): number {
  const bytes = typeof key === 'string' ? Buffer.from(key) : key;
  return (murmur2(bytes) & 0x7fffffff) % partitions;
}

/**
 * kafkajs' `DefaultPartitioner`, same choices: a record's own partition if it names one, else the murmur2 partition
 * of its key, else round robin over the partitions that have a leader (from a random start per topic); only the hash
 * is computed without `Long`.
 */
export const keyPartitioner: ICustomPartitioner = () => {
  const counters = new Map<string, number>();
  return ({ topic, partitionMetadata, message }: PartitionerArgs): number => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    const partitions = partitionMetadata.length;
    if (message.key !== null && message.key !== undefined) {
      const key = Buffer.isBuffer(message.key) ? message.key : Buffer.from(String(message.key));
      return (murmur2(key) & 0x7fffffff) % partitions;
    }
    const counter = (counters.get(topic) ?? randomInt(0x7fffffff)) + 1;
    counters.set(topic, counter);
    const available = partitionMetadata.filter((partition) => partition.leader >= 0);
    if (available.length === 0) return (counter & 0x7fffffff) % partitions;
    return available[(counter & 0x7fffffff) % available.length]!.partitionId;
  };
};
