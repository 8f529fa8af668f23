import type { IHeaders, RecordMetadata } from 'kafkajs';
import { deadLetterTopic } from '@tideline/contracts';
import type { IdempotentProducer } from './idempotent-producer';
import { headerString, type ConsumedRecord, type OutgoingRecord } from './kafka-record';

/** Headers of a dead-letter record. The value is the original bytes, the key the original key. */
export const DEAD_LETTER_HEADERS = Object.freeze({
  /** Machine reason, e.g. `invalid_json`, `value_not_finite` (contracts' `DecodeFailureReason`) or `handler_error`. */
  reason: 'tideline.dlq.reason',
  /** Human-readable detail naming the field, when there is one. */
  detail: 'tideline.dlq.detail',
  sourceTopic: 'tideline.dlq.source-topic',
  sourcePartition: 'tideline.dlq.source-partition',
  sourceOffset: 'tideline.dlq.source-offset',
  /** Epoch ms when the record was dead-lettered. */
  failedAt: 'tideline.dlq.failed-at',
});

/** A record that failed, why, and where it came from. */
export interface DeadLetterInput {
  readonly record: ConsumedRecord;
  readonly reason: string;
  readonly detail?: string;
}

/** A dead-letter record read back (for tools, tests, replays). */
export interface DeadLetterRecord {
  readonly reason: string;
  readonly detail?: string;
  readonly sourceTopic: string;
  readonly sourcePartition: number;
  readonly sourceOffset: string;
  readonly failedAt?: number;
  readonly key: Buffer | null;
  /** The original bytes, unchanged. */
  readonly value: Buffer | null;
}

export interface DeadLetterStats {
  readonly published: number;
  readonly byReason: Readonly<Record<string, number>>;
}

/** Longest detail header kept (a detail may quote the input). */
const MAX_DETAIL_CHARS = 2000;

/** The record written to the dead-letter topic for one failed record (exported for tests and tools). */
export function toDeadLetterRecord(input: DeadLetterInput, failedAtMs: number): OutgoingRecord {
  const { record, reason, detail } = input;
  const headers: Record<string, string | Buffer> = {
    [DEAD_LETTER_HEADERS.reason]: reason,
    [DEAD_LETTER_HEADERS.sourceTopic]: record.topic,
    [DEAD_LETTER_HEADERS.sourcePartition]: String(record.partition),
    [DEAD_LETTER_HEADERS.sourceOffset]: record.offset,
    [DEAD_LETTER_HEADERS.failedAt]: String(failedAtMs),
  };
  if (detail !== undefined) headers[DEAD_LETTER_HEADERS.detail] = detail.slice(0, MAX_DETAIL_CHARS);
  // keep the producer's own headers too (tracing ids etc.), unless they collide with ours
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    if (name in headers || value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) headers[name] = first;
  }
  return { key: record.key, value: record.value, headers };
}

/**
 * Writes failed records to `<source topic>.dlq` (contracts' `deadLetterTopic`) through an idempotent producer, with
 * the original key and bytes and headers carrying the reason and source coordinates. Resolves once acknowledged:
 * only then may the source offset be committed. Never drops: a failed publish rejects.
 */
export class DeadLetterPublisher {
  private published = 0;
  private readonly byReason: Record<string, number> = {};

  constructor(
    readonly producer: IdempotentProducer,
    readonly options: { readonly now?: () => number } = {},
  ) {}

  async publish(inputs: readonly DeadLetterInput[]): Promise<RecordMetadata[]> {
    if (inputs.length === 0) return [];
    const now = (this.options.now ?? Date.now)();
    const byTopic = new Map<string, OutgoingRecord[]>();
    for (const input of inputs) {
      const topic = deadLetterTopic(input.record.topic);
      const list = byTopic.get(topic) ?? [];
      list.push(toDeadLetterRecord(input, now));
      byTopic.set(topic, list);
    }
    const metadata = await this.producer.sendBatch([...byTopic].map(([topic, records]) => ({ topic, records })));
    this.published += inputs.length;
    for (const input of inputs) this.byReason[input.reason] = (this.byReason[input.reason] ?? 0) + 1;
    return metadata;
  }

  stats(): DeadLetterStats {
    return { published: this.published, byReason: { ...this.byReason } };
  }
}

/** Reads a dead-letter record's headers back; undefined when the headers are not a dead-letter's. */
export function parseDeadLetter(message: {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: IHeaders;
}): DeadLetterRecord | undefined {
  const header = (name: string) => headerString(message.headers, name);
  const reason = header(DEAD_LETTER_HEADERS.reason);
  const sourceTopic = header(DEAD_LETTER_HEADERS.sourceTopic);
  const sourcePartition = header(DEAD_LETTER_HEADERS.sourcePartition);
  const sourceOffset = header(DEAD_LETTER_HEADERS.sourceOffset);
  if (
    reason === undefined ||
    sourceTopic === undefined ||
    sourcePartition === undefined ||
    sourceOffset === undefined
  ) {
    return undefined;
  }
  const detail = header(DEAD_LETTER_HEADERS.detail);
  const failedAt = header(DEAD_LETTER_HEADERS.failedAt);
  return {
    reason,
    ...(detail !== undefined ? { detail } : {}),
    sourceTopic,
    sourcePartition: Number(sourcePartition),
    sourceOffset,
    ...(failedAt !== undefined ? { failedAt: Number(failedAt) } : {}),
    key: message.key,
    value: message.value,
  };
}
