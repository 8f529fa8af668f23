/**
 * Tracks which records of one partition's batch are fully handled and yields the offset that may be committed:
 * the highest offset below which **every** record is handled ("commit what is done, only what is done", like
 * Redpanda Connect's capped checkpointer). Records may finish out of order; an unhandled record holds the commit back
 * until it is handled. Offsets in a batch need not be contiguous (compaction, transaction markers), so the
 * checkpoint works on the batch's actual offsets. Offsets are bigint because Kafka offsets are int64.
 */
export class PartitionCheckpoint {
  private readonly index = new Map<bigint, number>();
  private readonly handled: Uint8Array;
  private prefix = 0;
  private outOfOrder = 0;

  /**
   * @param offsets the batch's record offsets, ascending.
   * @param endOffset the offset to commit once every record is handled; default one past the last record (pass
   *   one past the batch's last offset when it ends in control records).
   */
  constructor(
    private readonly offsets: readonly bigint[],
    private readonly endOffset: bigint = offsets.length > 0 ? (offsets[offsets.length - 1] as bigint) + 1n : 0n,
  ) {
    this.handled = new Uint8Array(offsets.length);
    offsets.forEach((offset, i) => this.index.set(offset, i));
  }

  /** Marks one record handled (idempotent). Returns false for an offset not in the batch. */
  markHandled(offset: bigint): boolean {
    const i = this.index.get(offset);
    if (i === undefined) return false;
    if (this.handled[i] === 1) return true;
    this.handled[i] = 1;
    if (i === this.prefix) {
      while (this.prefix < this.handled.length && this.handled[this.prefix] === 1) {
        if (this.prefix !== i) this.outOfOrder--;
        this.prefix++;
      }
    } else {
      this.outOfOrder++;
    }
    return true;
  }

  /** Marks every record handled. */
  markAll(): void {
    for (const offset of this.offsets) this.markHandled(offset);
  }

  isHandled(offset: bigint): boolean {
    const i = this.index.get(offset);
    return i !== undefined && this.handled[i] === 1;
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
    return this.isComplete() ? this.endOffset : (this.offsets[this.prefix] as bigint);
  }

  /** Handled records above the first unhandled one, waiting for it. */
  pendingCount(): number {
    return this.outOfOrder;
  }
}
