import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import {
  TidelineError,
  abortableSleep,
  isRetriable,
  resolveRetryPolicy,
  retryDelayMs,
  type RetryPolicy,
} from '@tideline/errors';
import { DEFAULTS } from '@tideline/config';
import { ConsumerLagTracker, type ConsumerLagReport, type PartitionOffsets } from './consumer-lag';
import type { DeadLetterPublisher } from './dead-letter';
import type { ConsumedRecord } from './kafka-record';
import { PartitionCheckpoint } from './partition-checkpoint';

/** The records of one topic-partition fetched together, in offset order. */
export interface ConsumedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly ConsumedRecord[];
  readonly firstOffset: string;
  readonly lastOffset: string;
  readonly highWatermark: string;
}

/** What a batch handler can do besides returning. */
export interface BatchContext {
  /**
   * Sends a record to `<topic>.dlq` with the reason (and detail) and counts it handled once the dead-letter write is
   * acknowledged. Calls made in the same tick go out in one request. The batch is not committed before every
   * dead-letter write it started has been acknowledged, so the returned promise need not be awaited in the hot loop.
   */
  deadLetter(record: ConsumedRecord, reason: string, detail?: string): Promise<void>;
  /**
   * Marks records handled before the handler returns (for long batches, or records finished out of order). When the
   * handler returns normally, every record of the batch counts as handled anyway.
   */
  markHandled(...records: readonly ConsumedRecord[]): void;
  /**
   * Defers the commit of this batch (and of the partition's later batches) until `work` settles, while the consumer
   * already goes on with the next batch: for output that must be durable before the offsets are committed but need
   * not hold up the stream (e.g. an InfluxDB write off the alert path). Commits stay in order. If `work` rejects,
   * nothing from this batch on is committed and the consumer starts again from its last commit (the records are
   * delivered again).
   */
  commitAfter(work: Promise<unknown>): void;
  /** Keeps group membership alive during a long batch. */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or the partition was revoked: stop early, what was handled is committed. */
  isActive(): boolean;
  /** Aborted when the consumer stops. */
  readonly signal: AbortSignal;
}

/**
 * Processes a whole batch (the hot path). Returning normally means every record is handled: the consumer commits
 * past the batch. Throwing a `retriable` error retries the records not yet handled (the same `batch` shape, fewer
 * records) with the consumer's retry policy; any other error (or retries exhausted) commits only what was handled
 * and stops the consumer (`onCrash`), so nothing unhandled is ever committed.
 */
export type BatchHandler = (batch: ConsumedBatch, context: BatchContext) => Promise<void>;

export interface BatchConsumerHooks {
  onBatchHandled?(info: { topic: string; partition: number; records: number; durationMs: number }): void;
  onCommit?(info: { topic: string; partition: number; offset: string }): void;
  onDeadLetter?(info: { topic: string; partition: number; offset: string; reason: string }): void;
  onHandlerError?(info: { topic: string; partition: number; error: unknown; willRetry: boolean }): void;
  /** The consumer stopped because of an error it could not get past. */
  onCrash?(error: unknown): void;
  /** A lag measurement of the partitions assigned to this member (see {@link BatchConsumerOptions.lagMonitor}). */
  onLag?(report: ConsumerLagReport): void;
}

/** The services pass their `health` config section (libs/config), whose defaults are these. */
export interface LagMonitorOptions {
  /** Between two measurements. Default `DEFAULTS.health.lagIntervalMs` (5 s). */
  readonly intervalMs?: number;
  /** Lag without commit progress for this long is a stall. Default `DEFAULTS.health.stallAfterMs` (15 s). */
  readonly stallAfterMs?: number;
}

export interface BatchConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a group without a committed offset starts; default false (latest). */
  readonly fromBeginning?: boolean;
  /** Required to use `context.deadLetter`. */
  readonly deadLetter?: DeadLetterPublisher;
  /** Partitions handled in parallel; order is kept within a partition. Default 1. */
  readonly partitionsConsumedConcurrently?: number;
  /**
   * Retries of a batch whose handler threw a retriable error. Default: without limit (the partition waits for its
   * dependency rather than skip records), 200 ms doubling to 30 s, ±20 % jitter.
   */
  readonly retry?: Partial<RetryPolicy>;
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** Fetch size per partition; bounds a batch. Default 1 MiB. */
  readonly maxBytesPerPartition?: number;
  readonly maxWaitTimeMs?: number;
  /**
   * The broker answers a fetch once it has this many bytes for the member (or `maxWaitTimeMs` passed). Default 1: at
   * once, so a steady stream is handled in many small batches, each with its fixed costs (fetch, commit, publish).
   */
  readonly minBytes?: number;
  readonly hooks?: BatchConsumerHooks;
  /**
   * Measures, every `intervalMs`, the lag of the partitions assigned to this member (log end offset − the group's
   * committed offset, from the broker) and whether one is stalled (lag without commit progress for `stallAfterMs`);
   * reports each measurement to `hooks.onLag` and {@link BatchConsumer.lag}. On by default; `false` turns it off.
   */
  readonly lagMonitor?: LagMonitorOptions | false;
}

export interface BatchConsumerStats {
  readonly batches: number;
  readonly records: number;
  readonly deadLettered: number;
  readonly commits: number;
  readonly handlerErrors: number;
  readonly retries: number;
  /** Times the consumer was started again after kafkajs gave up on a broker that did not answer long enough. */
  readonly restarts: number;
  /** `topic/partition` → last committed offset (next to read). */
  readonly committed: Readonly<Record<string, string>>;
  /** The consumer stopped on an error (see `onCrash`). */
  readonly crashed: boolean;
}

/** Default retry of a failing batch: keep the partition waiting (never skip), at most 30 s between attempts. */
export const DEFAULT_BATCH_RETRY_POLICY: Partial<RetryPolicy> = Object.freeze({
  initialDelayMs: 200,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: 0.2,
  maxRetries: Infinity,
});

/** A batch handler failed with an error that retrying cannot fix (or retries ran out); the consumer stops. */
export class BatchHandlerError extends TidelineError {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly committedOffset: string,
    cause: unknown,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`batch handler failed on ${topic}/${partition}; committed up to offset ${committedOffset}: ${detail}`, {
      retriable: false,
      code: 'batch_handler_failed',
      cause,
    });
  }
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function toRecord(topic: string, partition: number, message: KafkaMessage): ConsumedRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: message.headers ?? {},
    timestamp: message.timestamp,
  };
}

/** Collects dead-letter requests made in the same tick into one publish. */
class DeadLetterQueue {
  private queue: { record: ConsumedRecord; reason: string; detail?: string; done: Deferred<void> }[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly publisher: DeadLetterPublisher,
    private readonly onPublished: (record: ConsumedRecord, reason: string) => void,
  ) {}

  enqueue(record: ConsumedRecord, reason: string, detail?: string): Promise<void> {
    const done = deferred<void>();
    this.queue.push({ record, reason, ...(detail !== undefined ? { detail } : {}), done });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    // callers may not await: the settle step reports failures
    done.promise.catch(() => undefined);
    return done.promise;
  }

  private flush(): void {
    this.scheduled = false;
    const items = this.queue;
    this.queue = [];
    if (items.length === 0) return;
    const publish = this.publisher
      .publish(
        items.map(({ record, reason, detail }) => ({ record, reason, ...(detail !== undefined ? { detail } : {}) })),
      )
      .then(
        () => {
          for (const item of items) {
            this.onPublished(item.record, item.reason);
            item.done.resolve();
          }
        },
        (error: unknown) => {
          for (const item of items) item.done.reject(error);
          throw error;
        },
      );
    const tracked = publish.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    tracked.catch(() => undefined);
  }

  /** Waits for every requested dead-letter write; rejects with the first failure. */
  async settle(): Promise<void> {
    let firstError: unknown;
    while (this.queue.length > 0 || this.scheduled || this.inFlight.size > 0) {
      if (this.queue.length > 0 && !this.scheduled) this.flush();
      if (this.scheduled) await new Promise<void>((resolve) => setImmediate(resolve));
      const results = await Promise.allSettled([...this.inFlight]);
      for (const result of results) if (result.status === 'rejected') firstError ??= result.reason;
    }
    if (firstError !== undefined) throw firstError;
  }
}

/** Names of kafkajs errors that mean a broker did not answer (in an error or anywhere in its `cause` chain). */
const OUTAGE_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
]);

/**
 * Whether a consumer crash comes from brokers not answering, as opposed to a bug or a handler that failed (a
 * {@link BatchHandlerError} anywhere in the chain is never an outage, however kafkajs wrapped it).
 */
export function isBrokerOutage(error: unknown): boolean {
  let outage = false;
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    if (e instanceof BatchHandlerError) return false;
    if (OUTAGE_ERRORS.has(e.name) || /group coordinator|ECONNREFUSED|Connection error/i.test(e.message)) outage = true;
  }
  return outage;
}

/**
 * A kafkajs consumer with `eachBatch`, auto-commit off, and per-partition commits of exactly what is handled.
 * Delivery is at-least-once: after a crash or rebalance, records after the last commit are delivered again. A crash
 * because brokers did not answer for longer than kafkajs retries (a broker restart) starts the consumer again with
 * backoff; any other crash stops it (`onCrash`).
 */
export class BatchConsumer {
  private consumer: Consumer | undefined;
  private readonly abort = new AbortController();
  private readonly policy: RetryPolicy;
  private readonly assigned = deferred<void>();
  private counters = { batches: 0, records: 0, deadLettered: 0, commits: 0, handlerErrors: 0, retries: 0, restarts: 0 };
  private readonly committed: Record<string, string> = {};
  private crashed = false;
  private handler: BatchHandler | undefined;
  private restarting = false;
  /** Per `topic/partition`: the last deferred commit, so that commits stay in offset order. */
  private readonly deferredCommits = new Map<string, Promise<void>>();
  /** Partitions the group assigned to this member, per topic (kept through a crash: a dead consumer still lags). */
  private assignment: Readonly<Record<string, readonly number[]>> = {};
  private generation = 0;
  private lagTimer: NodeJS.Timeout | undefined;
  private lagAdmin: Admin | undefined;
  private lagInFlight = false;
  private lagTracker: ConsumerLagTracker | undefined;
  private lastLag: ConsumerLagReport | undefined;

  constructor(
    readonly kafka: Kafka,
    readonly options: BatchConsumerOptions,
  ) {
    this.policy = resolveRetryPolicy({ ...DEFAULT_BATCH_RETRY_POLICY, ...options.retry });
    this.assigned.promise.catch(() => undefined);
  }

  /** Connects, subscribes, and starts handling batches; resolves once the consumer is running. */
  async start(handler: BatchHandler): Promise<void> {
    if (this.consumer) throw new TidelineError('BatchConsumer already started');
    this.handler = handler;
    await this.run(handler);
    this.startLagMonitor();
  }

  /** The latest lag measurement (undefined before the first, or with the monitor off). */
  lag(): ConsumerLagReport | undefined {
    return this.lastLag;
  }

  private startLagMonitor(): void {
    const monitor = this.options.lagMonitor;
    if (monitor === false || this.lagTimer !== undefined || this.abort.signal.aborted) return;
    const intervalMs = monitor?.intervalMs ?? DEFAULTS.health.lagIntervalMs;
    this.lagTracker = new ConsumerLagTracker({
      groupId: this.options.groupId,
      stallAfterMs: monitor?.stallAfterMs ?? DEFAULTS.health.stallAfterMs,
      intervalMs,
      fromBeginning: this.options.fromBeginning ?? false,
    });
    this.lagTimer = setInterval(() => void this.measureLag(), intervalMs);
    this.lagTimer.unref();
    void this.measureLag();
  }

  /** One measurement: end and committed offsets from the broker for this member's partitions. Never throws. */
  private async measureLag(): Promise<void> {
    if (this.lagInFlight || this.lagTracker === undefined || this.abort.signal.aborted) return;
    this.lagInFlight = true;
    try {
      const assignment = this.assignment;
      const offsets: PartitionOffsets[] = [];
      const topics = Object.keys(assignment).filter((topic) => (assignment[topic]?.length ?? 0) > 0);
      if (topics.length > 0) {
        this.lagAdmin ??= this.kafka.admin();
        await this.lagAdmin.connect();
        const committed = await this.lagAdmin.fetchOffsets({ groupId: this.options.groupId, topics });
        for (const topic of topics) {
          const ends = await this.lagAdmin.fetchTopicOffsets(topic);
          const mine = new Set(assignment[topic]);
          const commits = committed.find((c) => c.topic === topic)?.partitions ?? [];
          for (const end of ends) {
            if (!mine.has(end.partition)) continue;
            const commit = commits.find((c) => c.partition === end.partition)?.offset ?? '-1';
            offsets.push({
              topic,
              partition: end.partition,
              end: BigInt(end.high),
              low: BigInt(end.low),
              committed: BigInt(commit),
            });
          }
        }
      }
      if (this.abort.signal.aborted) return;
      this.lastLag = this.lagTracker.observe(Date.now(), offsets);
      this.options.hooks?.onLag?.(this.lastLag);
    } catch {
      // the broker did not answer: the `kafka` health check says so; measure again at the next tick
      await this.lagAdmin?.disconnect().catch(() => undefined);
      this.lagAdmin = undefined;
    } finally {
      this.lagInFlight = false;
    }
  }

  private async run(handler: BatchHandler): Promise<void> {
    const { options } = this;
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      ...(options.sessionTimeoutMs !== undefined ? { sessionTimeout: options.sessionTimeoutMs } : {}),
      ...(options.heartbeatIntervalMs !== undefined ? { heartbeatInterval: options.heartbeatIntervalMs } : {}),
      maxBytesPerPartition: options.maxBytesPerPartition ?? 1024 * 1024,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 500,
      minBytes: options.minBytes ?? 1,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const assignment = event.payload.memberAssignment;
      this.generation++;
      this.assignment = Object.fromEntries(options.topics.map((topic) => [topic, assignment[topic] ?? []]));
      if (options.topics.some((topic) => (assignment[topic]?.length ?? 0) > 0)) this.assigned.resolve();
    });
    // a new assignment follows: a partition's lag clock starts again when it is assigned
    consumer.on(consumer.events.REBALANCING, () => (this.assignment = {}));
    consumer.on(consumer.events.CRASH, (event) => {
      if (event.payload.restart) return;
      const error = event.payload.error;
      // kafkajs gives up (non-retriable) once a broker has not answered for its whole retry budget, e.g. during a
      // broker restart: nothing would ever restart this consumer, so it starts again itself, with backoff.
      if (!this.abort.signal.aborted && isBrokerOutage(error)) {
        void this.restartAfterOutage(consumer, handler, error);
        return;
      }
      this.crashed = true;
      this.assigned.reject(error);
      options.hooks?.onCrash?.(error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? false });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.handleBatch(handler, payload),
    });
  }

  private async restartAfterOutage(crashed: Consumer, handler: BatchHandler, cause: unknown): Promise<void> {
    // several deferred commits may fail together: one restart serves them all
    if (this.restarting) return;
    this.restarting = true;
    try {
      await this.restart(crashed, handler, cause);
    } finally {
      this.restarting = false;
    }
  }

  private async restart(crashed: Consumer, handler: BatchHandler, cause: unknown): Promise<void> {
    const hooks = this.options.hooks;
    await crashed.disconnect().catch(() => undefined);
    for (let attempt = 0; !this.abort.signal.aborted; attempt++) {
      hooks?.onHandlerError?.({ topic: this.options.topics.join(','), partition: -1, error: cause, willRetry: true });
      try {
        await abortableSleep(retryDelayMs(this.policy, attempt), this.abort.signal);
      } catch {
        return; // stopping
      }
      try {
        this.counters.restarts++;
        await this.run(handler);
        return;
      } catch (error) {
        cause = error;
        await this.consumer?.disconnect().catch(() => undefined);
      }
    }
  }

  /**
   * Stops fetching, lets the batch in flight finish or stop early, commits what is handled (deferred commits
   * included, for at most `deferredTimeoutMs`), disconnects.
   */
  async stop(deferredTimeoutMs = 5000): Promise<void> {
    this.abort.abort(new TidelineError('consumer stopping', { code: 'consumer_stopping' }));
    clearInterval(this.lagTimer);
    await this.lagAdmin?.disconnect().catch(() => undefined);
    this.assignment = {};
    const consumer = this.consumer;
    if (!consumer) return;
    await consumer.stop().catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(this.deferredCommits.values()),
      new Promise((resolve) => (timer = setTimeout(resolve, deferredTimeoutMs))),
    ]);
    clearTimeout(timer);
    await consumer.disconnect();
  }

  /**
   * Counts the assignments this member has received (each group join): a handler that keeps per-key state elsewhere
   * sees from a change of this number that it may have taken over another member's keys.
   */
  get assignmentGeneration(): number {
    return this.generation;
  }

  /** Resolves once the group has assigned partitions of the subscribed topics to this member. */
  async waitForAssignment(timeoutMs = 30_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new TidelineError(`no partitions assigned to group ${this.options.groupId} within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([this.assigned.promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  stats(): BatchConsumerStats {
    return { ...this.counters, committed: { ...this.committed }, crashed: this.crashed };
  }

  private async handleBatch(handler: BatchHandler, payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { topic, partition } = batch;
    const hooks = this.options.hooks;
    if (batch.messages.length === 0) return;
    const started = performance.now();
    const messages = batch.messages;
    const records = new Array<ConsumedRecord>(messages.length);
    const offsets = new Array<string>(messages.length);
    for (let i = 0; i < messages.length; i++) {
      const record = toRecord(topic, partition, messages[i]!);
      records[i] = record;
      offsets[i] = record.offset;
    }
    // the batch may end in control records (transactions): once all is handled, commit past them too
    const endOffset = BigInt(batch.lastOffset()) + 1n;
    const firstOffset = BigInt(records[0]?.offset ?? '0');
    // offsets stay strings per record (no bigint each): the checkpoint works by position in the batch
    const checkpoint = PartitionCheckpoint.ofRecordOffsets(offsets, endOffset);
    const isActive = () => payload.isRunning() && !payload.isStale() && !this.abort.signal.aborted;
    const deadLetters = this.options.deadLetter
      ? new DeadLetterQueue(this.options.deadLetter, (record, reason) => {
          checkpoint.markHandled(record.offset);
          this.counters.deadLettered++;
          hooks?.onDeadLetter?.({ topic, partition, offset: record.offset, reason });
        })
      : undefined;
    const deferred: Promise<unknown>[] = [];
    const context: BatchContext = {
      commitAfter: (work) => {
        work.catch(() => undefined); // observed by the deferred commit
        deferred.push(work);
      },
      deadLetter: (record, reason, detail) => {
        if (!deadLetters) {
          return Promise.reject(new TidelineError('no dead-letter publisher configured for this consumer'));
        }
        return deadLetters.enqueue(record, reason, detail);
      },
      markHandled: (...handled) => {
        for (const record of handled) checkpoint.markHandled(record.offset);
      },
      heartbeat: () => payload.heartbeat(),
      isActive,
      signal: this.abort.signal,
    };
    const batchOf = (subset: readonly ConsumedRecord[]): ConsumedBatch => ({
      topic,
      partition,
      records: subset,
      firstOffset: subset[0]?.offset ?? batch.firstOffset() ?? '0',
      lastOffset: subset[subset.length - 1]?.offset ?? batch.lastOffset(),
      highWatermark: batch.highWatermark,
    });

    let pending: readonly ConsumedRecord[] = records;
    for (let attempt = 0; ; attempt++) {
      let failure: unknown;
      try {
        await handler(batchOf(pending), context);
      } catch (error) {
        failure = error;
      }
      try {
        await deadLetters?.settle();
      } catch (error) {
        // a dead-letter write that failed leaves its record unhandled: retry like any broker error
        failure ??= error;
      }
      if (failure === undefined) {
        // returning normally means every record of this attempt is handled
        if (pending === records) checkpoint.markAll();
        else for (const record of pending) checkpoint.markHandled(record.offset);
        break;
      }
      this.counters.handlerErrors++;
      await this.commitInOrder(payload, topic, partition, checkpoint, firstOffset, deferred.splice(0));
      const willRetry = isRetriable(failure) && attempt < this.policy.maxRetries && isActive();
      hooks?.onHandlerError?.({ topic, partition, error: failure, willRetry });
      if (!isActive()) return; // stopping or revoked: what was handled is committed, the rest is redelivered
      if (!willRetry) {
        throw new BatchHandlerError(topic, partition, checkpoint.committable().toString(), failure);
      }
      this.counters.retries++;
      try {
        await abortableSleep(retryDelayMs(this.policy, attempt), this.abort.signal);
        await payload.heartbeat();
      } catch {
        if (!isActive()) return;
      }
      pending = records.filter((_, i) => !checkpoint.isHandledAt(i));
      if (pending.length === 0) break;
    }
    await this.commitInOrder(payload, topic, partition, checkpoint, firstOffset, deferred);
    this.counters.batches++;
    this.counters.records += records.length;
    hooks?.onBatchHandled?.({ topic, partition, records: records.length, durationMs: performance.now() - started });
  }

  /** Commits now, unless this batch has deferred work or an earlier commit of the partition is still deferred. */
  private async commitInOrder(
    payload: EachBatchPayload,
    topic: string,
    partition: number,
    checkpoint: PartitionCheckpoint,
    firstOffset: bigint,
    work: readonly Promise<unknown>[],
  ): Promise<void> {
    if (work.length > 0 || this.deferredCommits.has(`${topic}/${partition}`)) {
      this.deferCommit(topic, partition, checkpoint, firstOffset, payload, work);
    } else {
      await this.commit(payload, topic, partition, checkpoint, firstOffset);
    }
  }

  /**
   * Resolves the batch's offsets now (fetching goes on) and commits them once `work` and every earlier deferred commit
   * of the partition have settled. A rejected `work` commits nothing more and restarts the consumer from its last
   * commit.
   */
  private deferCommit(
    topic: string,
    partition: number,
    checkpoint: PartitionCheckpoint,
    firstOffset: bigint,
    payload: EachBatchPayload,
    work: readonly Promise<unknown>[],
  ): void {
    const offset = checkpoint.committable();
    if (offset === firstOffset) return;
    payload.resolveOffset((offset - 1n).toString());
    const key = `${topic}/${partition}`;
    const consumer = this.consumer;
    const previous = this.deferredCommits.get(key) ?? Promise.resolve();
    const next = previous
      .then(() => Promise.all(work))
      .then(async () => {
        const committed = this.committed[key];
        if (consumer === undefined || (committed !== undefined && BigInt(committed) >= offset)) return;
        try {
          await consumer.commitOffsets([{ topic, partition, offset: offset.toString() }]);
        } catch {
          return; // the partition moved away (rebalance): its new owner starts from the last commit
        }
        this.committed[key] = offset.toString();
        this.counters.commits++;
        this.options.hooks?.onCommit?.({ topic, partition, offset: offset.toString() });
      })
      .catch((error: unknown) => this.restartFromCommit(error))
      .finally(() => {
        if (this.deferredCommits.get(key) === next) this.deferredCommits.delete(key);
      });
    this.deferredCommits.set(key, next);
  }

  /** Output of handled records was lost: start the consumer again from its last commits (records are redelivered). */
  private restartFromCommit(cause: unknown): void {
    const consumer = this.consumer;
    if (consumer === undefined || this.handler === undefined || this.abort.signal.aborted) return;
    void this.restartAfterOutage(consumer, this.handler, cause);
  }

  private async commit(
    payload: EachBatchPayload,
    topic: string,
    partition: number,
    checkpoint: PartitionCheckpoint,
    firstOffset: bigint,
  ): Promise<void> {
    const offset = checkpoint.committable();
    if (offset === firstOffset) return; // nothing handled yet
    const key = `${topic}/${partition}`;
    const previous = this.committed[key];
    if (previous !== undefined && BigInt(previous) >= offset) return;
    // resolveOffset takes the last handled offset; kafkajs then commits offset + 1
    payload.resolveOffset((offset - 1n).toString());
    await payload.commitOffsetsIfNecessary({
      topics: [{ topic, partitions: [{ partition, offset: offset.toString() }] }],
    });
    this.committed[key] = offset.toString();
    this.counters.commits++;
    this.options.hooks?.onCommit?.({ topic, partition, offset: offset.toString() });
  }
}
