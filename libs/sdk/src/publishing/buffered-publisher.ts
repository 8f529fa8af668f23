import { resolveRetryPolicy, retryDelayMs, type RetryPolicy } from '@tideline/errors';
import { DropOldestQueue } from './drop-oldest-queue';

/** A record ready for the wire: the Kafka key (the series key) and the encoded value. */
export interface EncodedRecord {
  readonly key: string;
  readonly value: string;
}

/** Where records go. `send` resolves when the records are acknowledged and rejects when they may not have been. */
export interface RecordSink {
  send(records: readonly EncodedRecord[]): Promise<void>;
  close?(): Promise<void>;
}

export interface BufferedPublisherOptions {
  /** Records kept while the sink fails; past this the oldest are dropped and counted. */
  readonly maxBufferedRecords: number;
  /** Most records per `send`. */
  readonly maxBatchRecords: number;
  /**
   * Backoff between failed sends (the jittered exponential formula of libs/errors). Default: 500 ms doubling to 30 s,
   * ±20 %, retried for as long as the process lives (`maxRetries` is ignored: records wait in the buffer instead).
   */
  readonly retry?: Partial<RetryPolicy>;
  /** A send failed; the batch went back to the buffer and the next attempt is in `delayMs`. */
  readonly onSendError?: (error: unknown, info: { readonly failuresInARow: number; readonly delayMs: number }) => void;
  /** Records were dropped because the buffer was full. */
  readonly onDropped?: (count: number) => void;
  /** Records were acknowledged by the sink. */
  readonly onPublished?: (count: number) => void;
  /** Injected for tests: schedules `fn` after `ms` and returns a cancel function. Default an unref'd timer. */
  readonly schedule?: (fn: () => void, ms: number) => () => void;
  /** Injected for tests; default `Math.random`. */
  readonly random?: () => number;
}

export interface PublisherStats {
  /** Records waiting in the buffer (including a batch in flight). */
  readonly buffered: number;
  /** Records acknowledged by the sink since start. */
  readonly published: number;
  /** Records dropped because the buffer was full, since start. */
  readonly dropped: number;
  /** Failed sends since start. */
  readonly sendFailures: number;
  /** False from a failed send until the next successful one. */
  readonly healthy: boolean;
}

const DEFAULT_BACKOFF: Partial<RetryPolicy> = { initialDelayMs: 500, maxDelayMs: 30_000, factor: 2, jitter: 0.2 };

/**
 * Publishes records through a {@link RecordSink}, keeping them in a bounded buffer while the sink fails and replaying
 * them in their original order once it works again.
 *
 * Guarantees: records are sent in `publish` order (one batch in flight at a time; a failed batch goes back to the
 * head of the buffer); a record is removed only after the sink acknowledged it (at-least-once: a send that failed
 * after the broker stored it is sent again); when the buffer is full the oldest records are dropped and counted,
 * never silently.
 */
export class BufferedPublisher {
  private readonly queue: DropOldestQueue<EncodedRecord>;
  private readonly policy: RetryPolicy;
  private readonly schedule: (fn: () => void, ms: number) => () => void;
  private readonly random: () => number;
  private draining: Promise<void> | undefined;
  private cancelRetry: (() => void) | undefined;
  private inFlight = 0;
  private published = 0;
  private sendFailures = 0;
  private failuresInARow = 0;
  private closed = false;

  constructor(
    private readonly sink: RecordSink,
    private readonly options: BufferedPublisherOptions,
  ) {
    this.queue = new DropOldestQueue(options.maxBufferedRecords);
    this.policy = resolveRetryPolicy({ ...DEFAULT_BACKOFF, ...options.retry, maxRetries: Infinity });
    this.schedule = options.schedule ?? defaultSchedule;
    this.random = options.random ?? Math.random;
    if (!Number.isInteger(options.maxBatchRecords) || options.maxBatchRecords < 1) {
      throw new RangeError(`maxBatchRecords must be an integer >= 1, got ${options.maxBatchRecords}`);
    }
  }

  /** Buffers records and starts sending them unless a retry is already scheduled. Never throws, never blocks. */
  publish(records: readonly EncodedRecord[]): void {
    if (records.length === 0) return;
    this.noteDropped(this.queue.pushAll(records));
    this.kick();
  }

  /**
   * Tries to send everything buffered now, without waiting for a scheduled retry. Resolves true when the buffer is
   * empty, false when a send failed (the records stay buffered and a retry is scheduled).
   */
  async flush(): Promise<boolean> {
    if (this.draining) await this.draining;
    if (this.cancelRetry) {
      this.cancelRetry();
      this.cancelRetry = undefined;
    }
    this.kick();
    if (this.draining) await this.draining;
    return this.queue.length === 0 && this.inFlight === 0;
  }

  stats(): PublisherStats {
    return {
      buffered: this.queue.length + this.inFlight,
      published: this.published,
      dropped: this.queue.dropped,
      sendFailures: this.sendFailures,
      healthy: this.failuresInARow === 0,
    };
  }

  /**
   * Stops retrying, makes one last attempt to send what is buffered and closes the sink, all within `timeoutMs` (a
   * shutdown must not hang on an unreachable broker). What could not be sent is reported by `stats().buffered`.
   */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.closed) return;
    const deadline = performance.now() + timeoutMs;
    try {
      await withDeadline(this.flush(), deadline);
    } finally {
      this.closed = true;
      this.cancelRetry?.();
      this.cancelRetry = undefined;
      await withDeadline(this.sink.close?.() ?? Promise.resolve(), Math.max(deadline, performance.now() + 500));
    }
  }

  private kick(): void {
    if (this.draining || this.cancelRetry || this.closed) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.closed) {
      const batch = this.queue.take(this.options.maxBatchRecords);
      this.inFlight = batch.length;
      try {
        await this.sink.send(batch);
      } catch (error) {
        this.inFlight = 0;
        this.noteDropped(this.queue.requeue(batch));
        this.sendFailures++;
        const delayMs = retryDelayMs(this.policy, this.failuresInARow, this.random);
        this.failuresInARow++;
        this.options.onSendError?.(error, { failuresInARow: this.failuresInARow, delayMs });
        if (!this.closed) {
          this.cancelRetry = this.schedule(() => {
            this.cancelRetry = undefined;
            this.kick();
          }, delayMs);
        }
        return;
      }
      this.inFlight = 0;
      this.failuresInARow = 0;
      this.published += batch.length;
      this.options.onPublished?.(batch.length);
    }
  }

  private noteDropped(count: number): void {
    if (count > 0) this.options.onDropped?.(count);
  }
}

/** Waits for `work` until the monotonic `deadline` at the latest. Used at shutdown only, so a failure is ignored. */
async function withDeadline(work: Promise<unknown>, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadline - performance.now()));
    timer.unref();
  });
  try {
    await Promise.race([work.then(noop, noop), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function noop(): void {}

function defaultSchedule(fn: () => void, ms: number): () => void {
  const timer = setTimeout(fn, ms);
  // A retry must not keep an otherwise finished process alive.
  timer.unref();
  return () => clearTimeout(timer);
}
