import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import { DEAD_LETTER_HEADERS, DeadLetterPublisher, parseDeadLetter, toDeadLetterRecord } from './dead-letter';
import { IdempotentProducer } from './idempotent-producer';
import type { ConsumedRecord, OutgoingRecord } from './kafka-record';
import { headerString, toBuffer } from './kafka-record';

const record: ConsumedRecord = {
  topic: 'tideline.metrics.v1',
  partition: 2,
  offset: '9007199254740993', // beyond 2^53: must survive as a string
  key: Buffer.from('cpu|host=a'),
  value: Buffer.from([0x7b, 0xff, 0x00]),
  headers: { traceparent: Buffer.from('00-abc'), [DEAD_LETTER_HEADERS.reason]: Buffer.from('spoofed') },
  timestamp: '1767225600000',
};

/** A producer double that records what would be sent. */
class RecordingProducer extends IdempotentProducer {
  sent: { topic: string; records: readonly OutgoingRecord[] }[] = [];
  fail = false;
  constructor() {
    super({ producer: () => ({}) } as unknown as Kafka);
  }
  override async sendBatch(batches: readonly { topic: string; records: readonly OutgoingRecord[] }[]) {
    if (this.fail) throw new Error('broker down');
    this.sent.push(...batches);
    return [];
  }
}

describe('dead-letter records', () => {
  it('carry the reason, detail, source coordinates, original key and original bytes', () => {
    const out = toDeadLetterRecord({ record, reason: 'invalid_json', detail: 'not UTF-8 JSON' }, 1234);
    const parsed = parseDeadLetter({
      key: toBuffer(out.key as Buffer),
      value: toBuffer(out.value as Buffer),
      headers: out.headers as Record<string, Buffer | string>,
    });
    assert.deepEqual(parsed, {
      reason: 'invalid_json',
      detail: 'not UTF-8 JSON',
      sourceTopic: 'tideline.metrics.v1',
      sourcePartition: 2,
      sourceOffset: '9007199254740993',
      failedAt: 1234,
      key: record.key,
      value: record.value,
    });
  });

  it('keep the producer headers but never let them override the dead-letter headers', () => {
    const out = toDeadLetterRecord({ record, reason: 'schema_violation' }, 0);
    assert.equal(headerString(out.headers as never, 'traceparent'), '00-abc');
    assert.equal(headerString(out.headers as never, DEAD_LETTER_HEADERS.reason), 'schema_violation');
  });

  it('parseDeadLetter returns undefined for an ordinary record', () => {
    assert.equal(parseDeadLetter({ key: null, value: Buffer.from('{}'), headers: {} }), undefined);
  });
});

describe('DeadLetterPublisher', () => {
  it('writes each record to <source topic>.dlq and counts by reason', async () => {
    const producer = new RecordingProducer();
    const publisher = new DeadLetterPublisher(producer, { now: () => 42 });
    await publisher.publish([
      { record, reason: 'invalid_json' },
      { record: { ...record, topic: 'tideline.alerts.v1', offset: '1' }, reason: 'invalid_json' },
      { record: { ...record, offset: '2' }, reason: 'value_not_finite' },
    ]);
    assert.deepEqual(
      producer.sent.map((batch) => [batch.topic, batch.records.length]),
      [
        ['tideline.metrics.v1.dlq', 2],
        ['tideline.alerts.v1.dlq', 1],
      ],
    );
    assert.deepEqual(publisher.stats(), { published: 3, byReason: { invalid_json: 2, value_not_finite: 1 } });
  });

  it('rejects (and counts nothing) when the broker refuses: a dead letter is never dropped silently', async () => {
    const producer = new RecordingProducer();
    producer.fail = true;
    const publisher = new DeadLetterPublisher(producer);
    await assert.rejects(publisher.publish([{ record, reason: 'invalid_json' }]), /broker down/);
    assert.equal(publisher.stats().published, 0);
  });
});

describe('toBuffer', () => {
  it('views a Uint8Array without copying and encodes strings as UTF-8', () => {
    const bytes = new Uint8Array([1, 2, 3, 4]).subarray(1, 3);
    const buffer = toBuffer(bytes);
    assert.deepEqual([...buffer], [2, 3]);
    bytes[0] = 9;
    assert.equal(buffer[0], 9, 'shares memory with the source');
    assert.deepEqual([...toBuffer('é')], [0xc3, 0xa9]);
  });
});
