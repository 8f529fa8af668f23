/**
 * One reading of the host. Counters (CPU times, disk and network bytes, the collector's CPU time) are cumulative:
 * rates come from the difference between two samples. A source that failed to read is absent (or an empty list),
 * so one broken source never costs the others.
 */
export interface HostSample {
  /** Wall clock when the sample was taken, epoch ms: the `ts` of its events. */
  readonly takenAtMs: number;
  /** Monotonic clock (ms) for the time between two samples, immune to wall-clock steps. */
  readonly monotonicMs: number;
  readonly cpu?: {
    readonly total: CpuCounters;
    readonly cores: readonly CpuCounters[];
  };
  /** 1, 5 and 15 minute load averages. */
  readonly load?: readonly [number, number, number];
  readonly memory?: MemoryUsage;
  readonly filesystems: readonly FilesystemUsage[];
  readonly disks: readonly DiskCounters[];
  readonly networks: readonly NetworkCounters[];
  readonly processCount?: number;
  /** The collector process itself. */
  readonly self: {
    /** User + system CPU time since the process started, µs. */
    readonly cpuMicros: number;
    readonly rssBytes: number;
  };
}

/** Cumulative CPU time, in any one unit (jiffies, ms): only the ratio of their differences is used. */
export interface CpuCounters {
  /** Time idle, including waiting for I/O. */
  readonly idle: number;
  /** Time in every state. */
  readonly total: number;
}

export interface MemoryUsage {
  readonly totalBytes: number;
  /** What can be allocated without swapping (Linux `MemAvailable`). */
  readonly availableBytes: number;
  readonly swapTotalBytes: number;
  readonly swapUsedBytes: number;
}

export interface FilesystemUsage {
  readonly mount: string;
  readonly totalBytes: number;
  readonly usedBytes: number;
  /** Available to unprivileged users (df's "Avail"). */
  readonly availableBytes: number;
}

export interface DiskCounters {
  readonly device: string;
  readonly readBytes: number;
  readonly writeBytes: number;
}

export interface NetworkCounters {
  readonly iface: string;
  readonly rxBytes: number;
  readonly txBytes: number;
  readonly rxErrors: number;
  readonly txErrors: number;
}
