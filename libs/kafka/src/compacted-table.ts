import { randomBytes } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { retry } from '@tideline/errors';
import { applyTableRecord, MemoryTableStore, type TableStore } from './table-store';

export interface CompactedTableOptions<V> {
  /** A compacted topic keyed by entity (series id): its latest record per key is the entity's current value. */
  readonly topic: string;
  /** Turns a record's value into `V`; a throw counts the record as invalid (see `onInvalid`) and skips it. */
  readonly decode: (key: string, value: Buffer) => V;
  /**
   * Whether `incoming` may replace `current` (default: always). Lets an instance's own write-through
   * ({@link CompactedTable.set}) win over an older record of the same key that the tail delivers afterwards, e.g.
   * compare a version or event time carried in the value.
   */
  readonly isNewer?: (current: V, incoming: V) => boolean;
  /** Prefix of the throwaway consumer group (the table never commits offsets: it always reads from the start). */
  readonly groupIdPrefix?: string;
  readonly onInvalid?: (info: { key: string; offset: string; partition: number; error: unknown }) => void;
  /**
   * Where the entries live (default: a {@link MemoryTableStore} of decoded values). A table of many large values takes
   * a {@link SqliteTableStore}, which bounds the memory it costs.
   */
  readonly store?: TableStore<V>;
}

export interface CompactedTableStats {
  readonly entries: number;
  readonly applied: number;
  readonly invalid: number;
  readonly caughtUp: boolean;
}

/**
 * A compacted topic materialised in memory, like Kafka Streams' global table: {@link start} reads it from the beginning
 * and resolves once everything written before the call is loaded; afterwards it keeps tailing, so writes by other
 * instances (another owner of a partition before a rebalance) arrive too. A null value (tombstone) deletes the key.
 * Records without a key are ignored. Reads are synchronous lookups in its {@link TableStore}.
 */
export class CompactedTable<V> {
  private readonly entries: TableStore<V>;
  private consumer: Consumer | undefined;
  private applied = 0;
  private invalid = 0;
  private caughtUp = false;
  /** Per partition, the offset after the last record the tail applied. */
  private readonly positions = new Map<number, bigint>();

  constructor(
    readonly kafka: Kafka,
    readonly options: CompactedTableOptions<V>,
  ) {
    this.entries = options.store ?? new MemoryTableStore<V>();
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Write-through of a value this instance has just produced (so a lookup sees it before the tail delivers it). */
  set(key: string, value: V): void {
    this.entries.set(key, value);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }

  stats(): CompactedTableStats {
    return { entries: this.entries.size, applied: this.applied, invalid: this.invalid, caughtUp: this.caughtUp };
  }

  /**
   * Loads the topic up to its current end, then keeps tailing it. The topic must exist. After a failed start, call
   * {@link stop} before starting again (entries already loaded are kept).
   */
  async start(timeoutMs = 60_000): Promise<void> {
    this.caughtUp = false;
    const ends = await this.fetchEnds();
    const groupId = `${this.options.groupIdPrefix ?? 'tideline-table'}-${this.options.topic}-${randomBytes(4).toString('hex')}`;
    const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 250, allowAutoTopicCreation: false });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    let resolveCaughtUp!: () => void;
    const caughtUp = new Promise<void>((resolve) => (resolveCaughtUp = resolve));
    const checkCaughtUp = (): void => {
      if (ends.size === 0) {
        this.caughtUp = true;
        resolveCaughtUp();
      }
    };
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        this.entries.batch(() => {
          for (const message of batch.messages) {
            if (message.key !== null)
              this.apply(message.key.toString('utf8'), message.value, batch.partition, message.offset);
          }
        });
        if (batch.messages.length > 0) this.positions.set(batch.partition, BigInt(batch.lastOffset()) + 1n);
        const end = ends.get(batch.partition);
        if (end !== undefined && batch.messages.length > 0 && BigInt(batch.lastOffset()) + 1n >= end) {
          ends.delete(batch.partition);
          checkCaughtUp();
        }
      },
    });
    checkCaughtUp();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `table ${this.options.topic} not loaded within ${timeoutMs} ms (partitions ${[...ends.keys()].join(',')} behind)`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      await Promise.race([caughtUp, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Waits until the tail has applied everything written to the topic before this call (its end offsets now), so a
   * lookup sees the records another instance wrote up to now: call it when this instance takes over keys (a consumer
   * group rebalance), or it may miss the last checkpoints of the instance it replaces and start those keys afresh.
   * Resolves `false`, instead of throwing, if the tail has not got there within `timeoutMs`.
   */
  async catchUp(timeoutMs = 30_000): Promise<boolean> {
    const ends = await this.fetchEnds();
    const deadline = Date.now() + timeoutMs;
    const behind = (): boolean => [...ends].some(([partition, end]) => (this.positions.get(partition) ?? 0n) < end);
    while (behind()) {
      if (Date.now() >= deadline || this.consumer === undefined) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return true;
  }

  /** Per partition with records, the offset after its last record (right after creation a partition may have no
   * leader yet: a retriable error, retried). */
  private async fetchEnds(): Promise<Map<number, bigint>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await retry(() => admin.fetchTopicOffsets(this.options.topic), {
        policy: { maxRetries: 10, initialDelayMs: 200, maxDelayMs: 2000 },
      });
      return new Map(
        offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)] as const),
      );
    } finally {
      await admin.disconnect();
    }
  }

  /** Stops tailing; the entries stay (a later {@link start} reloads the topic over them). */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer) await consumer.disconnect();
  }

  /** Stops, then releases the store (its file); the table is not used afterwards. */
  async close(): Promise<void> {
    try {
      await this.stop();
    } finally {
      this.entries.close();
    }
  }

  private apply(key: string, value: Buffer | null, partition: number, offset: string): void {
    const { decode, isNewer, onInvalid } = this.options;
    const outcome = applyTableRecord(this.entries, key, value, decode, isNewer, (error) =>
      onInvalid?.({ key, offset, partition, error }),
    );
    if (outcome === 'invalid') this.invalid++;
    else if (outcome !== 'older' && outcome !== 'unchanged') this.applied++;
  }
}
