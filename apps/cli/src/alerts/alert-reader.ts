import { retry } from '@tideline/errors';
import { randomBytes } from 'node:crypto';
import { decodeAlertEvent, type AlertEvent } from '@tideline/contracts';
import type { Kafka } from 'kafkajs';

export interface AlertReaderOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  /** Keep reading new alerts after the ones already on the topic. */
  readonly follow: boolean;
  /** Stop after this long (see {@link readAlerts} for what it means without `follow`). */
  readonly timeoutMs?: number;
  /** Which alerts count (default all); the others are skipped silently. */
  readonly accept?: (alert: AlertEvent) => boolean;
  readonly onAlert: (alert: AlertEvent) => void;
  readonly onInvalid?: (info: { partition: number; offset: string; reason: string }) => void;
  readonly signal?: AbortSignal;
}

export interface AlertReaderResult {
  /** Distinct (id, state) alerts passed to `onAlert`. */
  readonly alerts: number;
  readonly stoppedBy: 'caught-up' | 'timeout' | 'aborted';
}

/** Kafka's "no leader yet" answers for a partition, which a fresh topic gives until its leader is elected. */
function isLeaderNotReady(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return (
    type === 'NOT_LEADER_FOR_PARTITION' || type === 'LEADER_NOT_AVAILABLE' || type === 'UNKNOWN_TOPIC_OR_PARTITION'
  );
}

/**
 * Reads the alerts topic from its beginning with a throwaway consumer group (it never commits). Deliveries are
 * at-least-once, so an alert (same id and state) seen twice is passed on once.
 *
 * - neither `follow` nor `timeoutMs`: stops once the alerts present at the start are read;
 * - `timeoutMs` without `follow`: the same, but if there were none, waits up to `timeoutMs` for the first;
 * - `follow`: keeps reading until `timeoutMs` (if given) or the signal.
 */
export async function readAlerts(options: AlertReaderOptions): Promise<AlertReaderResult> {
  const admin = options.kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    // a topic created a moment ago may not have its leader yet: ask again for a few seconds
    const offsets = await retry(() => admin.fetchTopicOffsets(options.topic), {
      policy: { maxRetries: 10, initialDelayMs: 100, maxDelayMs: 2000 },
      shouldRetry: isLeaderNotReady,
    });
    ends = new Map(
      offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)] as const),
    );
  } finally {
    await admin.disconnect();
  }
  const seen = new Set<string>();
  let stop!: (reason: AlertReaderResult['stoppedBy']) => void;
  const stopped = new Promise<AlertReaderResult['stoppedBy']>((resolve) => (stop = resolve));
  const checkDone = () => {
    if (options.follow || ends.size > 0) return;
    if (options.timeoutMs === undefined || seen.size > 0) stop('caught-up');
  };
  const consumer = options.kafka.consumer({
    groupId: `tideline-cli-alerts-${randomBytes(4).toString('hex')}`,
    maxWaitTimeInMs: 200,
    allowAutoTopicCreation: false,
  });
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => stop('timeout'), options.timeoutMs);
  const onAbort = () => stop('aborted');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const decoded = message.value === null ? undefined : decodeAlertEvent(message.value);
          if (decoded === undefined || !decoded.ok) {
            options.onInvalid?.({
              partition: batch.partition,
              offset: message.offset,
              reason: decoded?.error.message ?? 'no value',
            });
            continue;
          }
          if (options.accept !== undefined && !options.accept(decoded.value)) continue;
          const key = `${decoded.value.id}/${decoded.value.state}`;
          if (seen.has(key)) continue;
          seen.add(key);
          options.onAlert(decoded.value);
        }
        const end = ends.get(batch.partition);
        if (end !== undefined && batch.messages.length > 0 && BigInt(batch.lastOffset()) + 1n >= end)
          ends.delete(batch.partition);
        checkDone();
      },
    });
    checkDone();
    const stoppedBy = await stopped;
    return { alerts: seen.size, stoppedBy };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    await consumer.disconnect();
  }
}
