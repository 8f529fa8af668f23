import { PartitionContinuity } from './partition-continuity';

/**
 * The working state of a stream stage, per key (a series), grouped by the partition the key arrives on: what a stage
 * keeps between batches and can always rebuild from what it persisted. A batch that does not continue exactly where
 * this instance's last batch of its partition ended (a restart, a retried batch, a partition back from another
 * instance) drops that partition's entries ({@link beginBatch}), which are then created again from what is persisted
 * when their key is next seen; a failed batch drops them too ({@link abandonBatch}).
 *
 * Entries are created by the caller's `create` (which reads the persisted state), so the store holds no I/O of its own.
 */
export class PartitionedStore<E> {
  private readonly entries = new Map<string, { readonly partition: number; readonly entry: E }>();
  private readonly byPartition = new Map<number, Set<string>>();
  private readonly continuity = new PartitionContinuity();

  /**
   * Runs a batch's work against the store: {@link beginBatch} first, {@link completeBatch} once `work` resolves (the
   * work publishes and writes what the batch produced, so the consumer may commit it when this returns), or
   * {@link abandonBatch} when it throws (and rethrows, for the consumer's retry).
   */
  async runBatch<T>(
    batch: { readonly partition: number; readonly firstOffset: string; readonly lastOffset: string },
    work: () => Promise<T>,
  ): Promise<T> {
    this.beginBatch(batch.partition, batch.firstOffset);
    try {
      const result = await work();
      this.completeBatch(batch.partition, batch.lastOffset);
      return result;
    } catch (error) {
      this.abandonBatch(batch.partition);
      throw error;
    }
  }

  /** Call first for every batch: drops the partition's entries unless the batch continues the previous one. */
  beginBatch(partition: number, firstOffset: string): void {
    if (!this.continuity.continues(partition, firstOffset)) this.dropPartition(partition);
  }

  /** Call once everything the batch produced is acknowledged (its offsets may now be committed). */
  completeBatch(partition: number, lastOffset: string): void {
    this.continuity.advance(partition, lastOffset);
  }

  /** Call when a batch failed: nothing of it is persisted, so the retry starts again from what is. */
  abandonBatch(partition: number): void {
    this.dropPartition(partition);
    this.continuity.forget(partition);
  }

  /** The key's entry on this partition; created with `create` when new here (a key that moved partitions is moved). */
  entry(partition: number, key: string, create: () => E): E {
    const found = this.entries.get(key);
    if (found !== undefined && found.partition === partition) return found.entry;
    if (found !== undefined) this.byPartition.get(found.partition)?.delete(key);
    const entry = create();
    this.entries.set(key, { partition, entry });
    let keys = this.byPartition.get(partition);
    if (keys === undefined) this.byPartition.set(partition, (keys = new Set()));
    keys.add(key);
    return entry;
  }

  get(key: string): E | undefined {
    return this.entries.get(key)?.entry;
  }

  /** Forgets a partition's entries. */
  dropPartition(partition: number): void {
    const keys = this.byPartition.get(partition);
    if (keys === undefined) return;
    for (const key of keys) this.entries.delete(key);
    this.byPartition.delete(partition);
  }

  *values(): IterableIterator<E> {
    for (const { entry } of this.entries.values()) yield entry;
  }

  get size(): number {
    return this.entries.size;
  }
}
