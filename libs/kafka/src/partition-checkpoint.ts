/**
 * Tracks which records of one partition's batch are fully handled and yields the offset that may be committed:
 * the highest offset below which **every** record is handled ("commit what is done, only what is done", like
 * Redpanda Connect's capped checkpointer). Records may finish out of order; an unhandled record holds the commit back
 * until it is handled. Offsets in a batch need not be contiguous (compaction, transaction markers), so the
 * checkpoint works on the batch's actual offsets. Offsets are bigint because Kafka offsets are int64.
 *
 * The hot path ({@link PartitionCheckpoint.ofRecordOffsets}) keeps kafkajs' decimal offset strings and works by
 * position in the batch: no bigint per record, and the offset → position index is only built when a record is
 * marked by its offset (out-of-order handling, dead letters, retries).
 */
export class PartitionCheckpoint {
  private index: Map<string, number> | undefined;
  private readonly handled: Uint8Array;
  private prefix = 0;
  private outOfOrder = 0;
  private readonly endOffset: bigint;

  /**
   * @param offsets the batch's record offsets, ascending.
   * @param endOffset the offset to commit once every record is handled; default one past the last record (pass
   *   one past the batch's last offset when it ends in control records).
   */
  constructor(offsets: readonly bigint[], endOffset?: bigint);
  constructor(
    private readonly offsets: readonly (bigint | string)[],
    endOffset?: bigint,
  ) {
    this.handled = new Uint8Array(offsets.length);
    const last = offsets[offsets.length - 1];
    this.endOffset = endOffset ?? (last === undefined ? 0n : BigInt(last) + 1n);
  }

  /** A checkpoint over records whose offsets are decimal strings (as kafkajs delivers them), ascending. */
  static ofRecordOffsets(offsets: readonly string[], endOffset: bigint): PartitionCheckpoint {
    return new PartitionCheckpoint(offsets as unknown as readonly bigint[], endOffset);
  }

  /** Marks one record handled (idempotent). Returns false for an offset not in the batch. */
  markHandled(offset: bigint | string): boolean {
    const i = this.positionOf(offset);
    if (i === undefined) return false;
    this.markHandledAt(i);
    return true;
  }

  /** Marks the record at position `i` of the batch handled (idempotent). */
  markHandledAt(i: number): void {
    if (i < 0 || i >= this.handled.length || this.handled[i] === 1) return;
    this.handled[i] = 1;
    if (i === this.prefix) {
      while (this.prefix < this.handled.length && this.handled[this.prefix] === 1) {
        if (this.prefix !== i) this.outOfOrder--;
        this.prefix++;
      }
    } else {
      this.outOfOrder++;
    }
  }

  /** Marks every record handled. */
  markAll(): void {
    for (let i = 0; i < this.handled.length; i++) this.markHandledAt(i);
  }

  isHandled(offset: bigint | string): boolean {
    const i = this.positionOf(offset);
    return i !== undefined && this.handled[i] === 1;
  }

  /** Whether the record at position `i` of the batch is handled. */
  isHandledAt(i: number): boolean {
    return this.handled[i] === 1;
  }

  /** True when every record is handled. */
  isComplete(): boolean {
    return this.prefix === this.handled.length;
  }

  /**
   * The offset to commit (Kafka semantics: the next offset to read): the first unhandled record's offset, or
   * `endOffset` when all are handled. Before anything is handled it is the first record's offset.
   */
  committable(): bigint {
    return this.isComplete() ? this.endOffset : BigInt(this.offsets[this.prefix] as bigint | string);
  }

  /** Handled records above the first unhandled one, waiting for it. */
  pendingCount(): number {
    return this.outOfOrder;
  }

  private positionOf(offset: bigint | string): number | undefined {
    if (this.index === undefined) {
      this.index = new Map();
      for (let i = 0; i < this.offsets.length; i++) this.index.set(String(this.offsets[i]), i);
    }
    return this.index.get(String(offset));
  }
}
