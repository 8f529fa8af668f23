/**
 * Where a {@link CompactedTable} keeps its latest value per key. {@link MemoryTableStore} holds decoded values in a
 * map (small tables: alert state, the webhook forwarder's firing alerts); {@link SqliteTableStore} keeps the records'
 * bytes in a file and decodes on lookup, so a table of millions of entries costs the process a bounded page cache.
 * Lookups are synchronous in both, as the callers' hot paths need.
 */
export interface TableStore<V> {
  readonly size: number;
  get(key: string): V | undefined;
  has(key: string): boolean;
  /**
   * Whether the key's value is known to be exactly these bytes (false when not known): a record the tail delivers
   * that only repeats what is stored (an instance's own write-through coming back) then needs no decoding or write.
   */
  holds?(key: string, raw: Uint8Array): boolean;
  /** `raw`: the record's bytes when they came from the topic (a store that keeps bytes need not encode `value`). */
  set(key: string, value: V, raw?: Uint8Array): void;
  delete(key: string): void;
  keys(): IterableIterator<string>;
  /** Runs `apply` as one unit of writes (one transaction on disk); what it wrote stays written if it throws. */
  batch(apply: () => void): void;
  /** Releases what the store holds (a file, its folder); the store is not used afterwards. */
  close(): void;
}

export class MemoryTableStore<V> implements TableStore<V> {
  private readonly entries = new Map<string, V>();

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  set(key: string, value: V): void {
    this.entries.set(key, value);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }

  batch(apply: () => void): void {
    apply();
  }

  close(): void {
    this.entries.clear();
  }
}

/** What {@link applyTableRecord} did with a record. */
export type TableRecordOutcome = 'applied' | 'unchanged' | 'deleted' | 'older' | 'invalid';

/**
 * One record of a compacted topic applied to a store: a null value (tombstone) deletes the key; a record the store
 * {@link TableStore.holds} already is `unchanged`; otherwise the value is decoded (a throw: `invalid`, nothing
 * changes) and replaces the current one unless `isNewer` says it is older.
 */
export function applyTableRecord<V>(
  store: TableStore<V>,
  key: string,
  value: Buffer | null,
  decode: (key: string, value: Buffer) => V,
  isNewer: ((current: V, incoming: V) => boolean) | undefined,
  onInvalid: (error: unknown) => void,
): TableRecordOutcome {
  if (value === null) {
    store.delete(key);
    return 'deleted';
  }
  if (store.holds?.(key, value) === true) return 'unchanged';
  let decoded: V;
  try {
    decoded = decode(key, value);
  } catch (error) {
    onInvalid(error);
    return 'invalid';
  }
  if (isNewer !== undefined) {
    const current = store.get(key);
    if (current !== undefined && !isNewer(current, decoded)) return 'older';
  }
  store.set(key, decoded, value);
  return 'applied';
}
