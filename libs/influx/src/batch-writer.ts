import { RetriesExhaustedError, retry, type RetryPolicy } from '@tideline/errors';
import type { InfluxClient, WriteOptions } from './influx-client';
import { LineChunk } from './line-bytes';
import { toLineProtocol, type Point } from './line-protocol';
import { isPointRejection, isolateRejectedLines, type RejectedPoint } from './partial-write';

/** What to do with new points when the buffer is full (the server has been down for a while). */
export type DropPolicy = 'drop-oldest' | 'drop-newest';

/** Why points were dropped. */
export type DropReason = 'buffer_full' | 'retries_exhausted' | 'closed';

export interface BatchWriterOptions extends WriteOptions {
  /** Flush when this many points are buffered. Default 5000. */
  readonly maxBatchPoints?: number;
  /** Flush at least this often while points are buffered. Default 1000 ms. */
  readonly flushIntervalMs?: number;
  /** Buffer bound (points waiting + in flight); beyond it points are dropped per `dropPolicy` and counted. Default 200000. */
  readonly maxBufferedPoints?: number;
  /** Default `drop-oldest`: the newest data is the most useful for a monitor. */
  readonly dropPolicy?: DropPolicy;
  /**
   * Batches written at once. Default 1: batches land in the order they were buffered. With more, a writer that has
   * more than a full batch waiting sends the next one before the last is acknowledged, so InfluxDB parses them side
   * by side (one request at a time bounds the write rate by one request's round trip); batches may then land out of
   * order, which changes nothing unless two batches carry the same series and timestamp with other values.
   */
  readonly maxConcurrentBatches?: number;
  /**
   * Backoff between attempts of a failed batch. Default: retriable failures retry without limit
   * (`maxRetries: Infinity`), 100 ms doubling to 5 s, ±20 % jitter.
   */
  readonly retry?: Partial<RetryPolicy>;
  readonly hooks?: BatchWriterHooks;
  /**
   * Receives the points InfluxDB refused one by one (see {@link isolateRejectedLines}), e.g. to publish them to a
   * dead-letter topic. Awaited (and retried with the write policy while it throws) before the batch counts as done,
   * so a `flush()` resolves only once they are handed over.
   */
  readonly onRejectedPoints?: (points: readonly RejectedPoint[]) => Promise<void>;
}

export interface BatchWriterHooks {
  onFlush?(info: { points: number; durationMs: number; attempts: number }): void;
  onRetry?(info: { points: number; retry: number; delayMs: number; error: unknown }): void;
  /** Points dropped: buffer full, retries exhausted (finite policy only), or still pending at `close`. */
  onDrop?(info: { points: number; reason: DropReason }): void;
  /**
   * Points InfluxDB refused (not retried): after an HTTP 400 (a partial write, e.g. `max-values-per-tag`, a field
   * type conflict, a line it cannot parse) only the points it refuses one by one, the rest of the batch being stored;
   * a whole batch for any other 4xx (no such database).
   */
  onRejected?(info: { points: number; error: unknown }): void;
}

export interface BatchWriterStats {
  /** Points accepted by `write` (including later dropped or rejected). */
  readonly accepted: number;
  /** Points InfluxDB acknowledged. */
  readonly written: number;
  /** Points dropped (buffer full, retries exhausted, or pending at close). */
  readonly dropped: number;
  /** Points InfluxDB refused (only those of a partially written batch; a whole batch for another 4xx). */
  readonly rejected: number;
  /** Points buffered or in flight. */
  readonly pending: number;
  readonly flushes: number;
  readonly retries: number;
  readonly lastError?: string;
}

export const DEFAULT_WRITE_RETRY_POLICY: Partial<RetryPolicy> = Object.freeze({
  initialDelayMs: 100,
  maxDelayMs: 5000,
  factor: 2,
  jitter: 0.2,
  maxRetries: Infinity,
});

/**
 * Buffers points and writes them in batches (by size or time), retrying each batch with jittered exponential backoff
 * while InfluxDB is unreachable. Buffering is bounded: when full, points are dropped per the drop policy and counted,
 * never silently. Batches are written one at a time, in order, unless `maxConcurrentBatches` allows more.
 *
 * Every accepted point ends in exactly one of `written`, `dropped` or `rejected`:
 * `accepted = written + dropped + rejected + pending`.
 */
export class BatchWriter {
  private readonly maxBatchPoints: number;
  private readonly maxBufferedPoints: number;
  private readonly dropPolicy: DropPolicy;
  private readonly maxConcurrentBatches: number;
  private readonly retryPolicy: Partial<RetryPolicy>;
  private readonly timer: NodeJS.Timeout;
  private readonly abort = new AbortController();

  /**
   * Lines waiting, as written (chunks of bytes, split only where a batch or a drop ends); `pendingFirstSeq` is the
   * sequence number of the first one (sequence numbers are contiguous), `pendingLines` how many there are.
   */
  private pending: LineChunk[] = [];
  private pendingLines = 0;
  private pendingFirstSeq = 0;
  private nextSeq = 0;
  /** The batches being written (how many lines, the sequence number of the first), and how many lines in all. */
  private readonly inFlight = new Set<{ readonly lines: number; readonly firstSeq: number }>();
  private inFlightLines = 0;
  /** Write loops running: at most `maxConcurrentBatches`, the second and later only while a full batch waits. */
  private loops = 0;
  private closed = false;
  /** Promises of `flush` (urgent: the loop keeps writing for them) and `written` (patient: at the writer's pace). */
  private waiters: { seq: number; urgent: boolean; resolve: () => void }[] = [];
  private counters = { accepted: 0, written: 0, dropped: 0, rejected: 0, flushes: 0, retries: 0 };
  private lastError: string | undefined;

  constructor(
    readonly client: InfluxClient,
    readonly options: BatchWriterOptions = {},
  ) {
    this.maxBatchPoints = options.maxBatchPoints ?? 5000;
    this.maxBufferedPoints = Math.max(options.maxBufferedPoints ?? 200_000, this.maxBatchPoints);
    this.dropPolicy = options.dropPolicy ?? 'drop-oldest';
    this.maxConcurrentBatches = Math.max(1, Math.floor(options.maxConcurrentBatches ?? 1));
    this.retryPolicy = { ...DEFAULT_WRITE_RETRY_POLICY, ...options.retry };
    this.timer = setInterval(() => this.kick(), options.flushIntervalMs ?? 1000);
    this.timer.unref();
  }

  /**
   * Buffers points; never blocks and never throws for a down server. A flush starts when a batch is full.
   * Throws a non-retriable `InfluxError` (`invalid_point`) for a point InfluxDB would refuse, buffering none of them.
   */
  write(points: Point | readonly Point[]): void {
    const list = Array.isArray(points) ? (points as readonly Point[]) : [points as Point];
    this.writeLines(list.map(toLineProtocol));
  }

  /** Buffers pre-serialised line-protocol lines (precision ms). */
  writeLines(lines: string | readonly string[]): void {
    const list = typeof lines === 'string' ? [lines] : lines;
    if (list.length > 0) this.writeChunk(LineChunk.of(list));
  }

  /**
   * Buffers lines written as bytes (a {@link LineBytes}' `take()`, precision ms). The writer holds the chunk from
   * now on and releases it once written, dropped or refused.
   */
  writeChunk(chunk: LineChunk): void {
    if (chunk.lines === 0) return;
    this.counters.accepted += chunk.lines;
    if (this.closed) {
      chunk.release();
      this.drop(chunk.lines, 'closed');
      return;
    }
    let incoming = chunk;
    const room = this.maxBufferedPoints - this.pendingLines - this.inFlightLines;
    if (incoming.lines > room) {
      const excess = incoming.lines - room;
      if (this.dropPolicy === 'drop-newest') {
        const [kept, refused] = incoming.split(room);
        refused.release();
        incoming = kept;
      } else {
        // drop the oldest waiting lines (never a batch in flight); if that is not enough, the oldest incoming ones
        const fromPending = Math.min(excess, this.pendingLines);
        for (const dropped of this.takePending(fromPending)) dropped.release();
        this.pendingFirstSeq += fromPending;
        const [dropped, kept] = incoming.split(excess - fromPending);
        dropped.release();
        incoming = kept;
      }
      this.drop(excess, 'buffer_full');
    }
    if (incoming.lines > 0) {
      this.pending.push(incoming);
      this.pendingLines += incoming.lines;
      this.nextSeq += incoming.lines;
    } else incoming.release();
    this.notify();
    if (this.pendingLines >= this.maxBatchPoints) this.kick();
  }

  /** Resolves once everything buffered before the call is written (or dropped/rejected and counted): writes now. */
  flush(): Promise<void> {
    const done = this.whenFinished(true);
    this.kick();
    return done;
  }

  /**
   * Like {@link flush}, but at the writer's own pace: the lines go out with a full batch (`maxBatchPoints`) or at the
   * next `flushIntervalMs`, not in a request of their own. For a caller that writes a little often and only needs to
   * know when it is stored (e.g. before committing what produced it).
   */
  written(): Promise<void> {
    return this.whenFinished(false);
  }

  /**
   * Resolves once at most `lines` of those buffered before the call are still unfinished (waiting or in flight):
   * writes now, like {@link flush}. For back-pressure that keeps InfluxDB busy: a caller that waits until the buffer
   * is down to a level, not empty, hands over its next lines before the writer runs dry.
   */
  drainedTo(lines: number): Promise<void> {
    const done = this.whenFinished(true, Math.max(0, lines));
    this.kick();
    return done;
  }

  private whenFinished(urgent: boolean, leaving = 0): Promise<void> {
    const target = this.nextSeq - leaving;
    if (this.firstUnfinishedSeq() >= target) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiters.push({ seq: target, urgent, resolve }));
  }

  /**
   * Flushes for at most `timeoutMs` (default 10 s), then stops: points still pending are counted as dropped
   * (`closed`), and later writes are dropped and counted too.
   */
  async close(timeoutMs = 10_000): Promise<void> {
    clearInterval(this.timer);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([this.flush(), deadline]);
    clearTimeout(timer);
    this.closed = true;
    this.abort.abort(new Error('batch writer closed'));
    const left = this.pendingLines + this.inFlightLines;
    this.pendingFirstSeq += this.pendingLines;
    for (const chunk of this.pending) chunk.release();
    this.pending = [];
    this.pendingLines = 0;
    this.inFlight.clear();
    this.inFlightLines = 0;
    if (left > 0) this.drop(left, 'closed');
    this.notify();
  }

  stats(): BatchWriterStats {
    return {
      ...this.counters,
      pending: this.pendingLines + this.inFlightLines,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
    };
  }

  /** Every line before this one is finished (written, dropped or refused); batches in flight finish in any order. */
  private firstUnfinishedSeq(): number {
    let first = this.pendingLines > 0 ? this.pendingFirstSeq : this.nextSeq;
    for (const batch of this.inFlight) first = Math.min(first, batch.firstSeq);
    return first;
  }

  private notify(): void {
    const finishedBelow = this.firstUnfinishedSeq();
    const ready = this.waiters.filter((waiter) => waiter.seq <= finishedBelow);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((waiter) => waiter.seq > finishedBelow);
    for (const waiter of ready) waiter.resolve();
  }

  private drop(points: number, reason: DropReason): void {
    this.counters.dropped += points;
    this.options.hooks?.onDrop?.({ points, reason });
  }

  /**
   * Starts a write loop: the first whenever lines wait (it writes partial batches too: timer, flush, full batch),
   * another (up to `maxConcurrentBatches`) only while a full batch waits.
   */
  private kick(): void {
    if (this.closed || this.pendingLines === 0 || this.loops >= this.maxConcurrentBatches) return;
    if (this.loops > 0 && this.pendingLines < this.maxBatchPoints) return;
    this.loops++;
    void this.loop().finally(() => {
      this.loops--;
      // lines that arrived while the last batch was in flight wait for the timer unless a batch is full or flushed
      if (this.pendingLines >= this.maxBatchPoints || this.waiters.some((waiter) => waiter.urgent)) this.kick();
    });
  }

  private async loop(): Promise<void> {
    // a loop beside another writes full batches only (partial ones are the first loop's, one request at a time)
    while (this.pendingLines >= (this.loops > 1 ? this.maxBatchPoints : 1) && !this.closed) {
      const waiting = this.pendingLines;
      const chunks = this.takePending(this.maxBatchPoints);
      const batch = { lines: waiting - this.pendingLines, firstSeq: this.pendingFirstSeq };
      this.pendingFirstSeq += batch.lines;
      this.inFlight.add(batch);
      this.inFlightLines += batch.lines;
      const writing = this.writeBatch(chunks, batch.lines).finally(() => {
        for (const chunk of chunks) chunk.release();
      });
      this.kick(); // the next full batch, if any, beside this one
      await writing;
      // (close() emptied the set and counted the batch as dropped)
      if (this.inFlight.delete(batch)) this.inFlightLines -= batch.lines;
      this.notify();
    }
  }

  /** Takes the first `count` waiting lines (or all there are) off the queue. */
  private takePending(count: number): LineChunk[] {
    const parts: LineChunk[] = [];
    let taken = 0;
    while (taken < count && this.pending.length > 0) {
      const [part, rest] = this.pending[0]!.split(count - taken);
      parts.push(part);
      taken += part.lines;
      if (rest.lines > 0) this.pending[0] = rest;
      else this.pending.shift();
    }
    this.pendingLines -= taken;
    return parts;
  }

  private async writeBatch(chunks: readonly LineChunk[], lines: number): Promise<void> {
    const started = performance.now();
    let attempts = 0;
    try {
      await retry(
        async () => {
          attempts++;
          await this.client.writeChunks(chunks, {
            ...(this.options.database !== undefined ? { database: this.options.database } : {}),
            ...(this.options.retentionPolicy !== undefined ? { retentionPolicy: this.options.retentionPolicy } : {}),
            signal: this.abort.signal,
          });
        },
        {
          policy: this.retryPolicy,
          signal: this.abort.signal,
          onRetry: ({ retry: n, delayMs, error }) => {
            this.counters.retries++;
            this.lastError = error instanceof Error ? error.message : String(error);
            this.options.hooks?.onRetry?.({ points: lines, retry: n, delayMs, error });
          },
        },
      );
      // written after close() had already counted the batch as dropped: it landed after all
      if (this.closed) this.counters.dropped -= lines;
      this.counters.written += lines;
      this.counters.flushes++;
      this.options.hooks?.onFlush?.({ points: lines, durationMs: performance.now() - started, attempts });
    } catch (error) {
      if (this.closed) return; // close() counts what was in flight as dropped
      this.lastError = error instanceof Error ? error.message : String(error);
      if (error instanceof RetriesExhaustedError) {
        this.drop(lines, 'retries_exhausted');
      } else if (isPointRejection(error)) {
        await this.separateRejected(
          chunks.flatMap((chunk) => chunk.toLines()),
          error,
        );
      } else {
        this.counters.rejected += lines;
        this.options.hooks?.onRejected?.({ points: lines, error });
      }
    }
  }

  /** A batch refused with HTTP 400: stores what InfluxDB takes, counts and hands over only what it refuses. */
  private async separateRejected(lines: string[], error: Parameters<typeof isolateRejectedLines>[1]): Promise<void> {
    const options = {
      ...(this.options.database !== undefined ? { database: this.options.database } : {}),
      ...(this.options.retentionPolicy !== undefined ? { retentionPolicy: this.options.retentionPolicy } : {}),
      signal: this.abort.signal,
    };
    let result: Awaited<ReturnType<typeof isolateRejectedLines>>;
    try {
      result = await isolateRejectedLines(lines, error, (part) =>
        retry(() => this.client.writeLines(part, options), { policy: this.retryPolicy, signal: this.abort.signal }),
      );
    } catch (searchError) {
      if (this.closed) return;
      // the search itself failed for good: count the batch as refused, as before the search
      this.counters.rejected += lines.length;
      this.options.hooks?.onRejected?.({ points: lines.length, error: searchError });
      return;
    }
    const handOver = this.options.onRejectedPoints;
    if (handOver !== undefined && result.rejected.length > 0) {
      await retry(() => handOver(result.rejected), {
        policy: this.retryPolicy,
        shouldRetry: () => true,
        signal: this.abort.signal,
      }).catch(() => undefined);
    }
    this.counters.written += result.stored;
    this.counters.rejected += result.rejected.length;
    this.counters.flushes++;
    if (result.rejected.length > 0) this.options.hooks?.onRejected?.({ points: result.rejected.length, error });
  }
}
