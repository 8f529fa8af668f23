import { PartitionContinuity } from './partition-continuity';

/**
 * The working state of a stream stage, per key (a series), grouped by the partition the key arrives on: what a stage
 * keeps between batches and can always rebuild from what it persisted. A batch that does not continue exactly where
 * this instance's last batch of its partition ended (a restart, a retried batch, a partition back from another
 * instance) drops that partition's entries ({@link beginBatch}), which are then created again from what is persisted
 * when their key is next seen; a failed batch drops them too ({@link abandonBatch}).
 *
 * Entries are created by the caller's `create` (which reads the persisted state), so the store holds no I/O of its own.
 *
 * Memory is bounded two ways ({@link PartitionedStoreOptions}): an entry not used for `idleMs` leaves with
 * {@link evictIdle}, and beyond `maxEntries` the least recently used entry leaves as a new one comes in. Either way
 * `onEvict` sees it first and persists what it learned, so the same reload path brings it back on its key's next use.
 * Entries are kept in a list in order of last use (a use moves an entry to the end), so both evictions take the
 * oldest entries from the front: O(1) per use and per eviction. The list is linked through the entries' slots beside
 * the `Map` that finds them, rather than being the `Map`'s own order: moving a key to the end of a `Map` (delete,
 * then set) cost ~0.6 µs per use, ~3 % of the baseline service's CPU at one use per event.
 */
export interface PartitionedStoreOptions<E> {
  /** Most entries held; a new entry beyond it evicts the least recently used one. Default: no limit. */
  readonly maxEntries?: number;
  /** {@link PartitionedStore.evictIdle} evicts entries not used for this long (ms). 0 (default): never. */
  readonly idleMs?: number;
  /**
   * An entry is leaving memory while its partition goes on (idle or least recently used): persist what it holds that
   * is not persisted yet, synchronously (e.g. queue a checkpoint and write it through to the table `create` reads), so
   * that `create` restores it exactly when its key comes back. Not called for {@link PartitionedStore.dropPartition}
   * (then the partition's entries are reloaded from what is persisted, on purpose).
   */
  readonly onEvict?: (entry: E, key: string, reason: EvictionReason, partition: number) => void;
  /** Any entry leaving the store (eviction or dropped partition), after `onEvict`. */
  readonly onRemove?: (entry: E, key: string) => void;
  /**
   * A partition's entries are dropped (a batch that does not continue the last one, a failed batch): whatever the
   * caller keeps on the side for that partition (e.g. state of evicted entries not persisted yet) is stale too.
   */
  readonly onDropPartition?: (partition: number) => void;
}

export type EvictionReason = 'idle' | 'lru';

export interface PartitionedStoreStats {
  readonly entries: number;
  readonly evictedIdle: number;
  readonly evictedLru: number;
}

interface Slot<E> {
  readonly key: string;
  readonly partition: number;
  readonly entry: E;
  lastUsedMs: number;
  /** The slot used just before this one (undefined for the oldest) and just after it (undefined for the newest). */
  older: Slot<E> | undefined;
  newer: Slot<E> | undefined;
}

export class PartitionedStore<E> {
  private readonly entries = new Map<string, Slot<E>>();
  /** The ends of the list of slots in order of last use. */
  private oldest: Slot<E> | undefined;
  private newest: Slot<E> | undefined;
  private readonly byPartition = new Map<number, Set<string>>();
  private readonly continuity = new PartitionContinuity();
  private readonly maxEntries: number;
  private readonly idleMs: number;
  private evictedIdle = 0;
  private evictedLru = 0;

  constructor(private readonly options: PartitionedStoreOptions<E> = {}) {
    this.maxEntries = options.maxEntries ?? Number.POSITIVE_INFINITY;
    this.idleMs = options.idleMs ?? 0;
    if (!(this.maxEntries >= 1)) throw new RangeError(`maxEntries must be at least 1, got ${this.maxEntries}`);
  }

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

  /**
   * The key's entry on this partition, marked used at `nowMs` (processing time, for {@link evictIdle}); created with
   * `create` when new here (a key that moved partitions is moved). A new entry beyond `maxEntries` evicts the least
   * recently used other one.
   */
  entry(partition: number, key: string, create: () => E, nowMs = 0): E {
    const found = this.entries.get(key);
    if (found !== undefined && found.partition === partition) return this.touch(found, nowMs);
    if (found !== undefined) this.remove(key, found);
    const entry = create();
    const slot: Slot<E> = { key, partition, entry, lastUsedMs: nowMs, older: undefined, newer: undefined };
    this.entries.set(key, slot);
    this.append(slot);
    let keys = this.byPartition.get(partition);
    if (keys === undefined) this.byPartition.set(partition, (keys = new Set()));
    keys.add(key);
    while (this.entries.size > this.maxEntries) {
      this.evict(this.oldest!.key, 'lru');
      this.evictedLru++;
    }
    return entry;
  }

  /**
   * The key's entry on this partition, marked used at `nowMs` as by {@link entry}, or undefined when it has none
   * there (then {@link entry} creates it): lets a hot path skip making its `create` closure for every use.
   */
  use(partition: number, key: string, nowMs = 0): E | undefined {
    const found = this.entries.get(key);
    return found !== undefined && found.partition === partition ? this.touch(found, nowMs) : undefined;
  }

  /** Whether the key has an entry (on any partition); does not mark it used. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): E | undefined {
    return this.entries.get(key)?.entry;
  }

  /**
   * Evicts the entries not used since `nowMs - idleMs` (none when `idleMs` is 0), at most `max` of them (the oldest);
   * returns how many. Call it between
   * batches, e.g. at the end of each batch: it only looks at the oldest entries, so it costs nothing when none is idle.
   */
  evictIdle(nowMs: number, max = Number.POSITIVE_INFINITY): number {
    if (this.idleMs <= 0) return 0;
    let evicted = 0;
    while (evicted < max) {
      const slot = this.oldest;
      if (slot === undefined || nowMs - slot.lastUsedMs < this.idleMs) break;
      this.evict(slot.key, 'idle');
      evicted++;
    }
    this.evictedIdle += evicted;
    return evicted;
  }

  /** Forgets a partition's entries (they are reloaded from what is persisted; `onEvict` is not called). */
  dropPartition(partition: number): void {
    this.options.onDropPartition?.(partition);
    const keys = this.byPartition.get(partition);
    if (keys === undefined) return;
    for (const key of keys) {
      const slot = this.entries.get(key);
      this.entries.delete(key);
      if (slot === undefined) continue;
      this.unlink(slot);
      this.options.onRemove?.(slot.entry, key);
    }
    this.byPartition.delete(partition);
  }

  /** Every entry, least recently used first. The store must not change until the iteration ends. */
  *values(): IterableIterator<E> {
    for (let slot = this.oldest; slot !== undefined; slot = slot.newer) yield slot.entry;
  }

  get size(): number {
    return this.entries.size;
  }

  stats(): PartitionedStoreStats {
    return { entries: this.entries.size, evictedIdle: this.evictedIdle, evictedLru: this.evictedLru };
  }

  private evict(key: string, reason: EvictionReason): void {
    const slot = this.entries.get(key);
    if (slot === undefined) return;
    this.options.onEvict?.(slot.entry, key, reason, slot.partition);
    this.remove(key, slot);
  }

  private remove(key: string, slot: Slot<E>): void {
    this.entries.delete(key);
    this.unlink(slot);
    const keys = this.byPartition.get(slot.partition);
    keys?.delete(key);
    if (keys !== undefined && keys.size === 0) this.byPartition.delete(slot.partition);
    this.options.onRemove?.(slot.entry, key);
  }

  private touch(slot: Slot<E>, nowMs: number): E {
    slot.lastUsedMs = nowMs;
    if (slot !== this.newest) {
      this.unlink(slot);
      this.append(slot);
    }
    return slot.entry;
  }

  private append(slot: Slot<E>): void {
    slot.older = this.newest;
    slot.newer = undefined;
    if (this.newest === undefined) this.oldest = slot;
    else this.newest.newer = slot;
    this.newest = slot;
  }

  private unlink(slot: Slot<E>): void {
    if (slot.older === undefined && this.oldest !== slot) return; // not in the list
    if (slot.older === undefined) this.oldest = slot.newer;
    else slot.older.newer = slot.newer;
    if (slot.newer === undefined) this.newest = slot.older;
    else slot.newer.older = slot.older;
    slot.older = undefined;
    slot.newer = undefined;
  }
}
