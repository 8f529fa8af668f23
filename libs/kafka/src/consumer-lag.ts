/** One partition assigned to this consumer, as the broker sees it. */
export interface PartitionOffsets {
  readonly topic: string;
  readonly partition: number;
  /** Log end offset (the high watermark): the offset the next record will get. */
  readonly end: bigint;
  /** Earliest offset still in the log. */
  readonly low: bigint;
  /** The group's committed offset (the next to read), or -1 when the group has committed none. */
  readonly committed: bigint;
}

/** Lag and progress of one partition assigned to this consumer. */
export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** Records the group has not committed yet: end offset − committed offset (0 when it cannot be told). */
  readonly lag: number;
  readonly committed: string;
  readonly end: string;
  /** How long the partition has had lag while its committed offset did not move, ms (0 while it progresses). */
  readonly stalledForMs: number;
}

/** What the lag monitor saw at one moment: every partition assigned to this member, and those that are stalled. */
export interface ConsumerLagReport {
  readonly groupId: string;
  /** When it was taken, epoch ms. */
  readonly at: number;
  readonly partitions: readonly PartitionLag[];
  /** Partitions with lag whose committed offset has not moved for at least `stallAfterMs`. */
  readonly stalled: readonly PartitionLag[];
  /** How long a partition may have lag without commit progress before it counts as stalled, ms. */
  readonly stallAfterMs: number;
  /** How often the consumer takes a report, ms (a stall is seen at the first report past `stallAfterMs`). */
  readonly intervalMs: number;
}

export interface ConsumerLagTrackerOptions {
  readonly groupId: string;
  /** See {@link ConsumerLagReport.stallAfterMs}. */
  readonly stallAfterMs: number;
  /** See {@link ConsumerLagReport.intervalMs}. */
  readonly intervalMs: number;
  /** Whether the group starts from the earliest offset when it has no commit (then all of the log is lag). */
  readonly fromBeginning: boolean;
}

/**
 * Turns successive offset observations of a consumer's assigned partitions into lag and stall verdicts. A partition
 * is stalled when it has had lag (records not committed) for `stallAfterMs` while its committed offset did not move:
 * a consumer that sits idle after a broker restart, one whose handler waits on a dependency, or one that stopped.
 * A partition seen for the first time (a new assignment) starts its clock then, so a rebalance is not a stall. Pure:
 * the time comes in with each observation.
 */
export class ConsumerLagTracker {
  /** Per `topic/partition`: the committed offset last seen and when the partition last made progress. */
  private readonly progress = new Map<string, { committed: bigint; at: number }>();

  constructor(private readonly options: ConsumerLagTrackerOptions) {}

  observe(nowMs: number, offsets: readonly PartitionOffsets[]): ConsumerLagReport {
    const seen = new Set<string>();
    const partitions: PartitionLag[] = [];
    for (const o of offsets) {
      const key = `${o.topic}/${o.partition}`;
      seen.add(key);
      const from = o.committed >= 0n ? o.committed : this.options.fromBeginning ? o.low : o.end;
      const lag = o.end > from ? Number(o.end - from) : 0;
      const before = this.progress.get(key);
      if (before === undefined || before.committed !== o.committed || lag === 0) {
        this.progress.set(key, { committed: o.committed, at: nowMs });
      }
      const since = this.progress.get(key)!.at;
      partitions.push({
        topic: o.topic,
        partition: o.partition,
        lag,
        committed: o.committed.toString(),
        end: o.end.toString(),
        stalledForMs: lag > 0 ? nowMs - since : 0,
      });
    }
    for (const key of this.progress.keys()) if (!seen.has(key)) this.progress.delete(key);
    const { stallAfterMs, intervalMs, groupId } = this.options;
    return {
      groupId,
      at: nowMs,
      partitions,
      stalled: partitions.filter((p) => p.lag > 0 && p.stalledForMs >= stallAfterMs),
      stallAfterMs,
      intervalMs,
    };
  }
}

/** `a stall is lag without a commit for S s, measured every I s`: what the report's verdicts mean (config: `health`). */
export function describeStallRule(report: Pick<ConsumerLagReport, 'stallAfterMs' | 'intervalMs'>): string {
  return `a stall is lag without a commit for ${report.stallAfterMs / 1000} s, measured every ${report.intervalMs / 1000} s`;
}

/** `topic/partition (lag N, no commit for S s)`, for logs and `/health`. */
export function describeStalled(report: ConsumerLagReport): string {
  return report.stalled
    .map((p) => `${p.topic}/${p.partition} (lag ${p.lag}, no commit for ${Math.round(p.stalledForMs / 1000)} s)`)
    .join(', ');
}
