import type { RetryPolicy } from '@tideline/retry';
import type { InfluxClient, WriteOptions } from './influx-client';
import type { Point } from './line-protocol';

/** What to do with new points when the buffer is full (the server has been down for a while). */
export type DropPolicy = 'drop-oldest' | 'drop-newest';

export interface BatchWriterOptions extends WriteOptions {
  /** Flush when this many points are buffered. Default 5000. */
  readonly maxBatchPoints?: number;
  /** Flush at least this often while points are buffered. Default 1000 ms. */
  readonly flushIntervalMs?: number;
  /** Buffer bound (points waiting + in flight); beyond it points are dropped per `dropPolicy` and counted. Default 200000. */
  readonly maxBufferedPoints?: number;
  /** Default `drop-oldest`: the newest data is the most useful for a monitor. */
  readonly dropPolicy?: DropPolicy;
  /** Backoff between attempts of a failed batch. Retriable failures retry without limit by default (`maxRetries: Infinity`). */
  readonly retry?: Partial<RetryPolicy>;
  readonly hooks?: BatchWriterHooks;
}

export interface BatchWriterHooks {
  onFlush?(info: { points: number; durationMs: number; attempts: number }): void;
  onRetry?(info: { points: number; retry: number; delayMs: number; error: unknown }): void;
  /** Points dropped because the buffer was full. */
  onDrop?(info: { points: number; reason: 'buffer_full' }): void;
  /** A batch InfluxDB refused (4xx: bad line protocol, field type conflict, no such database); not retried. */
  onRejected?(info: { points: number; error: unknown }): void;
}

export interface BatchWriterStats {
  /** Points accepted by `write` (including later dropped or rejected). */
  readonly accepted: number;
  /** Points InfluxDB acknowledged. */
  readonly written: number;
  /** Points dropped because the buffer was full. */
  readonly dropped: number;
  /** Points in batches InfluxDB refused. */
  readonly rejected: number;
  /** Points buffered or in flight. */
  readonly pending: number;
  readonly flushes: number;
  readonly retries: number;
  readonly lastError?: string;
}

/**
 * Buffers points and writes them in batches (by size or time), retrying each batch with jittered exponential backoff
 * while InfluxDB is unreachable. Buffering is bounded: when full, points are dropped per the drop policy and counted,
 * never silently. Batches are written one at a time, in order.
 */
export class BatchWriter {
  constructor(
    readonly client: InfluxClient,
    readonly options: BatchWriterOptions = {},
  ) {}

  /** Buffers points; never blocks and never throws for a down server. A flush starts when a batch is full. */
  write(_points: Point | readonly Point[]): void {
    throw new Error('not implemented');
  }

  /** Buffers pre-serialised line-protocol lines (precision ms). */
  writeLines(_lines: string | readonly string[]): void {
    throw new Error('not implemented');
  }

  /** Resolves once everything buffered before the call is written (or dropped/rejected and counted). */
  async flush(): Promise<void> {
    throw new Error('not implemented');
  }

  /** Flushes with a deadline, then stops the timer; points still pending after `timeoutMs` are counted as dropped. */
  async close(_timeoutMs?: number): Promise<void> {
    throw new Error('not implemented');
  }

  stats(): BatchWriterStats {
    throw new Error('not implemented');
  }
}
