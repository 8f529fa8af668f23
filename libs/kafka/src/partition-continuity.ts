/**
 * Tells whether a batch continues exactly where this instance's last batch of the same partition ended. It does not
 * after a restart, a redelivery (retry, crash of a batch) or a partition that went to another instance and came back:
 * then the working state of that partition's series may be behind what is persisted and must be reloaded.
 * Offsets are kafkajs decimal strings.
 */
export class PartitionContinuity {
  private readonly next = new Map<number, bigint>();

  /** True when `firstOffset` is the offset after the last one recorded for `partition`. */
  continues(partition: number, firstOffset: string): boolean {
    return this.next.get(partition) === BigInt(firstOffset);
  }

  /** Records that every offset up to `lastOffset` of `partition` is processed. */
  advance(partition: number, lastOffset: string): void {
    this.next.set(partition, BigInt(lastOffset) + 1n);
  }

  forget(partition: number): void {
    this.next.delete(partition);
  }
}
