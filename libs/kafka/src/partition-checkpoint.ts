/**
 * Tracks which offsets of one partition are fully handled and yields the offset that may be committed: the highest
 * offset below which **every** record is handled ("commit what is done, only what is done", like Redpanda Connect's
 * capped checkpointer). Records may finish out of order; a gap holds the commit back until it is filled.
 * Offsets are bigint because Kafka offsets are int64.
 */
export class PartitionCheckpoint {
  /** @param nextToCommit the first offset not yet handled (the batch's first offset). */
  constructor(_nextToCommit: bigint) {
    throw new Error('not implemented');
  }

  /** Marks one offset handled (idempotent). */
  markHandled(_offset: bigint): void {
    throw new Error('not implemented');
  }

  /** The offset to commit (Kafka semantics: the next offset to read), i.e. one past the contiguous handled prefix. */
  committable(): bigint {
    throw new Error('not implemented');
  }

  /** Handled offsets above a gap, waiting for it to fill. */
  pendingCount(): number {
    throw new Error('not implemented');
  }
}
