import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logLevel, type Kafka } from 'kafkajs';
import { decodeMetricEvent, encodeEvent } from '@tideline/contracts';
import {
  expectEventually,
  makeMetricEvent,
  readTopic,
  stackFromEnv,
  uniqueGroup,
  uniqueTopic,
} from '@tideline/testing';
import { TidelineError } from '@tideline/errors';
import { BatchConsumer, type BatchHandler } from './batch-consumer';
import { CompactedTable } from './compacted-table';
import { DeadLetterPublisher, parseDeadLetter } from './dead-letter';
import { ensureTopics } from './ensure-topics';
import { IdempotentProducer, MAX_MESSAGES_PER_TOPIC_PER_SEND } from './idempotent-producer';
import { createKafka } from './kafka-client';
import type { ConsumedRecord } from './kafka-record';

const stack = stackFromEnv();
let kafka: Kafka;
let producer: IdempotentProducer;
const consumers: BatchConsumer[] = [];

before(async () => {
  kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'kafka-int-spec' }, { logLevel: logLevel.NOTHING });
  producer = new IdempotentProducer(kafka);
  await producer.connect();
});

after(async () => {
  await Promise.all(consumers.map((consumer) => consumer.stop()));
  await producer.disconnect();
});

/** Committed offsets of a group per partition, from the broker itself. */
async function committedOffsets(groupId: string, topic: string): Promise<Map<number, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((offsets?.partitions ?? []).map((p) => [p.partition, p.offset]));
  } finally {
    await admin.disconnect();
  }
}

async function endOffsets(topic: string): Promise<Map<number, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
  } finally {
    await admin.disconnect();
  }
}

async function startConsumer(
  groupId: string,
  topic: string,
  handler: BatchHandler,
  extra: Partial<ConstructorParameters<typeof BatchConsumer>[1]> = {},
) {
  const consumer = new BatchConsumer(kafka, {
    groupId,
    topics: [topic],
    fromBeginning: true,
    maxWaitTimeMs: 100,
    ...extra,
  });
  consumers.push(consumer);
  await consumer.start(handler);
  await consumer.waitForAssignment();
  return consumer;
}

const keyOf = (i: number) => `series-${i % 7}`;

describe('ensureTopics', () => {
  it('creates topics with partitions, retention and compaction, and is idempotent', async () => {
    const events = uniqueTopic('events');
    const state = uniqueTopic('state');
    const specs = [
      { topic: events, partitions: 3, retentionMs: 3_600_000, withDeadLetter: true },
      { topic: state, partitions: 2, compact: true },
    ];
    const first = await ensureTopics(kafka, specs);
    assert.deepEqual([...first.created].sort(), [events, `${events}.dlq`, state].sort());
    assert.deepEqual(first.existing, []);
    const second = await ensureTopics(kafka, specs);
    assert.deepEqual(second.created, []);
    assert.deepEqual([...second.existing].sort(), [events, `${events}.dlq`, state].sort());

    const admin = kafka.admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [events, state] });
      const partitions = Object.fromEntries(metadata.topics.map((t) => [t.name, t.partitions.length]));
      assert.deepEqual(partitions, { [events]: 3, [state]: 2 });
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          { type: 2, name: events, configNames: ['retention.ms', 'cleanup.policy'] },
          { type: 2, name: state, configNames: ['cleanup.policy'] },
        ],
      });
      const value = (topic: string, name: string) =>
        configs.resources.find((r) => r.resourceName === topic)?.configEntries.find((e) => e.configName === name)
          ?.configValue;
      assert.equal(value(events, 'retention.ms'), '3600000');
      assert.equal(value(events, 'cleanup.policy'), 'delete');
      assert.equal(value(state, 'cleanup.policy'), 'compact');
    } finally {
      await admin.disconnect();
    }
  });

  it('grows an existing topic with fewer partitions than its spec only when asked, and reports it', async () => {
    const topic = uniqueTopic('grow');
    await ensureTopics(kafka, [{ topic, partitions: 3, withDeadLetter: true }]);
    const left = await ensureTopics(kafka, [{ topic, partitions: 12, withDeadLetter: true }]);
    assert.deepEqual(left.grown, []);
    const grown = await ensureTopics(kafka, [{ topic, partitions: 12, withDeadLetter: true }], {
      growPartitions: true,
    });
    assert.deepEqual(
      [...grown.grown].sort((a, b) => a.topic.localeCompare(b.topic)),
      [
        { topic, from: 3, to: 12 },
        { topic: `${topic}.dlq`, from: 3, to: 12 },
      ],
    );
    const again = await ensureTopics(kafka, [{ topic, partitions: 6 }], { growPartitions: true });
    assert.deepEqual(again.grown, [], 'a topic with more partitions is left as it is');
    const admin = kafka.admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic, `${topic}.dlq`] });
      assert.deepEqual(
        metadata.topics.map((t) => t.partitions.length),
        [12, 12],
      );
    } finally {
      await admin.disconnect();
    }
  });
});

describe('IdempotentProducer', () => {
  it('sends more records than one request carries in successive requests, all delivered and in order per key', async () => {
    const topic = uniqueTopic('large-send');
    await ensureTopics(kafka, [{ topic, partitions: 3 }]);
    const count = MAX_MESSAGES_PER_TOPIC_PER_SEND * 2 + 7;
    const records = Array.from({ length: count }, (_, i) => ({ key: `k${i % 5}`, value: String(i) }));
    const metadata = await producer.send(topic, records);
    assert.ok(metadata.length > 0);

    const read = await readTopic(kafka, topic, { count });
    assert.equal(read.length, count);
    const byKey = new Map<string, number[]>();
    for (const message of read) {
      const key = message.key?.toString() ?? '';
      byKey.set(key, [...(byKey.get(key) ?? []), Number(message.value?.toString())]);
    }
    for (const [key, values] of byKey) {
      const expected = records.filter((r) => r.key === key).map((r) => Number(r.value));
      assert.deepEqual(values, expected, `records of ${key} in the order sent`);
    }
  });
});

describe('BatchConsumer', () => {
  it('consumes produced records in batches, in key order per partition, and commits every partition to its end', async () => {
    const topic = uniqueTopic('consume');
    const groupId = uniqueGroup('consume');
    await ensureTopics(kafka, [{ topic, partitions: 3 }]);
    const count = 300;
    await producer.send(
      topic,
      Array.from({ length: count }, (_, i) => ({ key: keyOf(i), value: JSON.stringify({ i }) })),
    );
    const seen: { key: string; i: number; partition: number }[] = [];
    let batches = 0;
    const consumer = await startConsumer(groupId, topic, async (batch) => {
      batches++;
      for (const record of batch.records) {
        seen.push({ key: String(record.key), i: JSON.parse(String(record.value)).i, partition: record.partition });
      }
    });
    await expectEventually(() => assert.equal(seen.length, count));
    // each key keeps its order, and lives on one partition
    for (let k = 0; k < 7; k++) {
      const ofKey = seen.filter((s) => s.key === `series-${k}`);
      assert.deepEqual(
        ofKey.map((s) => s.i),
        ofKey.map((s) => s.i).sort((a, b) => a - b),
      );
      assert.equal(new Set(ofKey.map((s) => s.partition)).size, 1);
    }
    assert.ok(batches < count, `records arrive in batches (${batches} batches for ${count} records)`);
    const end = await endOffsets(topic);
    await expectEventually(async () => assert.deepEqual(await committedOffsets(groupId, topic), end));
    assert.equal(consumer.stats().records, count);
    assert.equal(consumer.stats().crashed, false);
    // each join counts, so a handler can tell it may have taken over another member's keys
    assert.equal(consumer.assignmentGeneration, 1);
  });

  it('a consumer restarted after its commit does not see the committed records again', async () => {
    const topic = uniqueTopic('restart');
    const groupId = uniqueGroup('restart');
    await ensureTopics(kafka, [{ topic, partitions: 2 }]);
    await producer.send(
      topic,
      Array.from({ length: 50 }, (_, i) => ({ key: keyOf(i), value: `first-${i}` })),
    );
    const firstRun: string[] = [];
    const first = await startConsumer(groupId, topic, async (batch) => {
      firstRun.push(...batch.records.map((r) => String(r.value)));
    });
    await expectEventually(() => assert.equal(firstRun.length, 50));
    const end = await endOffsets(topic);
    await expectEventually(async () => assert.deepEqual(await committedOffsets(groupId, topic), end));
    await first.stop();

    await producer.send(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ key: keyOf(i), value: `second-${i}` })),
    );
    const secondRun: string[] = [];
    await startConsumer(groupId, topic, async (batch) => {
      secondRun.push(...batch.records.map((r) => String(r.value)));
    });
    await expectEventually(() => assert.equal(secondRun.length, 10));
    assert.deepEqual(
      [...secondRun].sort(),
      Array.from({ length: 10 }, (_, i) => `second-${i}`).sort(),
      'only the records produced after the commit are delivered',
    );
  });

  it('routes poison records to the dead-letter topic with their reason and original bytes while the rest of the batch is processed', async () => {
    const topic = uniqueTopic('poison');
    const groupId = uniqueGroup('poison');
    await ensureTopics(kafka, [{ topic, partitions: 1, withDeadLetter: true }]);
    const good = Array.from({ length: 20 }, (_, i) => makeMetricEvent({ value: i, ts: Date.now() }));
    const notJson = Buffer.from('cpu,host=a value=1 not json');
    const infinite = Buffer.from(
      JSON.stringify(makeMetricEvent({ ts: Date.now() })).replace(/"value":[^,]+/, '"value":1e999'),
    );
    const records = good.map((event) => ({ key: 'k', value: encodeEvent(event) as Uint8Array }));
    records.splice(5, 0, { key: 'k', value: notJson });
    records.splice(12, 0, { key: 'k', value: infinite });
    await producer.send(topic, records);

    const handled: number[] = [];
    const deadLetter = new DeadLetterPublisher(producer);
    const consumer = await startConsumer(
      groupId,
      topic,
      async (batch, context) => {
        const now = Date.now();
        for (const record of batch.records) {
          const decoded = decodeMetricEvent(record.value ?? new Uint8Array(), { nowMs: now });
          if (decoded.ok) handled.push(decoded.value.value);
          else void context.deadLetter(record, decoded.error.reason, decoded.error.message);
        }
      },
      { deadLetter },
    );
    await expectEventually(() => assert.equal(handled.length, 20));
    assert.deepEqual(
      handled,
      good.map((event) => event.value),
    );

    const dead = (await readTopic(kafka, `${topic}.dlq`, { count: 2 })).map((m) => parseDeadLetter(m));
    assert.equal(dead.length, 2);
    const [first, second] = dead;
    assert.equal(first?.reason, 'invalid_json');
    assert.deepEqual(first?.value, notJson, 'the original bytes, unchanged');
    assert.equal(first?.sourceTopic, topic);
    assert.equal(first?.sourcePartition, 0);
    assert.equal(first?.sourceOffset, '5');
    assert.equal(second?.reason, 'value_not_finite');
    assert.deepEqual(second?.value, infinite);
    assert.equal(second?.sourceOffset, '12');
    assert.match(second?.detail ?? '', /field "value"/);
    assert.equal(consumer.stats().deadLettered, 2);
    // the poison records count as handled: the whole partition is committed
    await expectEventually(async () => assert.deepEqual(await committedOffsets(groupId, topic), new Map([[0, '22']])));
  });

  it('retries a retriable failure with only the records not yet handled', async () => {
    const topic = uniqueTopic('retry');
    const groupId = uniqueGroup('retry');
    await ensureTopics(kafka, [{ topic, partitions: 1 }]);
    await producer.send(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ key: 'k', value: String(i) })),
    );
    const attempts: string[][] = [];
    await startConsumer(
      groupId,
      topic,
      async (batch, context) => {
        attempts.push(batch.records.map((r) => String(r.value)));
        if (attempts.length === 1) {
          context.markHandled(...batch.records.slice(0, 4));
          throw new TidelineError('database briefly unavailable', { retriable: true });
        }
      },
      { retry: { initialDelayMs: 10, maxDelayMs: 50 } },
    );
    await expectEventually(() => assert.equal(attempts.length >= 2, true));
    // kafkajs may split 10 records across fetches; the retry must start exactly after the handled prefix
    const firstAttempt = attempts[0] ?? [];
    assert.deepEqual(attempts[1]?.[0], firstAttempt[4]);
    assert.equal(attempts[1]?.includes('0'), false, 'handled records are not handed over again');
    await expectEventually(async () => assert.deepEqual(await committedOffsets(groupId, topic), new Map([[0, '10']])));
  });

  it('on a non-retriable failure commits only what was handled, stops, and a new consumer resumes there', async () => {
    const topic = uniqueTopic('crash');
    const groupId = uniqueGroup('crash');
    await ensureTopics(kafka, [{ topic, partitions: 1 }]);
    await producer.send(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ key: 'k', value: String(i) })),
    );
    let crash: unknown;
    const failing = await startConsumer(
      groupId,
      topic,
      async (batch, context) => {
        for (const record of batch.records) {
          if (String(record.value) === '6') throw new TidelineError('bug: cannot handle record 6');
          // finish out of order: 5 before 4, to show the commit waits for the gap
          context.markHandled(record);
        }
      },
      { hooks: { onCrash: (error) => (crash = error) } },
    );
    await expectEventually(() => assert.ok(crash, 'the consumer reports its crash'));
    assert.equal(failing.stats().crashed, true);
    assert.deepEqual(
      await committedOffsets(groupId, topic),
      new Map([[0, '6']]),
      'committed up to, not past, record 6',
    );
    await failing.stop();

    const resumed: ConsumedRecord[] = [];
    await startConsumer(groupId, topic, async (batch) => {
      resumed.push(...batch.records);
    });
    await expectEventually(() => assert.equal(resumed.length, 4));
    assert.deepEqual(
      resumed.map((r) => String(r.value)),
      ['6', '7', '8', '9'],
    );
  });

  it('commitAfter: goes on with the next batches at once, commits each batch only once its deferred work is done, in order', async () => {
    const topic = uniqueTopic('deferred');
    const groupId = uniqueGroup('deferred');
    await ensureTopics(kafka, [{ topic, partitions: 1 }]);
    const gates: Array<() => void> = [];
    const seen: string[] = [];
    await startConsumer(groupId, topic, async (batch, context) => {
      seen.push(...batch.records.map((r) => String(r.value)));
      context.commitAfter(new Promise<void>((resolve) => gates.push(resolve)));
    });
    for (const part of [['a', 'b'], ['c'], ['d', 'e']]) {
      await producer.send(
        topic,
        part.map((value) => ({ key: 'k', value })),
      );
      await expectEventually(() => assert.ok(seen.includes(part[part.length - 1]!)));
    }
    // every record was handled although no deferred work is done yet: nothing is committed
    assert.deepEqual(seen, ['a', 'b', 'c', 'd', 'e']);
    assert.equal((await committedOffsets(groupId, topic)).get(0), '-1');
    assert.ok(gates.length >= 2, `${gates.length} batches`);
    // the last batch's work finishes first: still nothing, the commits keep their order
    gates[gates.length - 1]!();
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal((await committedOffsets(groupId, topic)).get(0), '-1');
    for (const open of gates) open();
    await expectEventually(async () => assert.equal((await committedOffsets(groupId, topic)).get(0), '5'));
  });

  it('commitAfter: deferred work that fails commits nothing more and the records are delivered again', async () => {
    const topic = uniqueTopic('deferred-fail');
    const groupId = uniqueGroup('deferred-fail');
    await ensureTopics(kafka, [{ topic, partitions: 1 }]);
    const seen: string[] = [];
    let failNext = true;
    await startConsumer(
      groupId,
      topic,
      async (batch, context) => {
        seen.push(...batch.records.map((r) => String(r.value)));
        const fail = failNext;
        failNext = false;
        context.commitAfter(fail ? Promise.reject(new Error('InfluxDB refused the write')) : Promise.resolve());
      },
      { retry: { initialDelayMs: 50, maxDelayMs: 200 } },
    );
    await producer.send(topic, [{ key: 'k', value: 'x' }]);
    await expectEventually(() => assert.deepEqual(seen, ['x', 'x']), { timeoutMs: 60_000 });
    await expectEventually(async () => assert.equal((await committedOffsets(groupId, topic)).get(0), '1'));
  });
});

describe('CompactedTable', () => {
  it('catchUp: a lookup right after it sees every record another producer wrote before the call', async () => {
    const topic = uniqueTopic('table');
    await ensureTopics(kafka, [{ topic, partitions: 3, compact: true }]);
    const table = new CompactedTable(kafka, {
      topic,
      decode: (_key, value) => JSON.parse(value.toString('utf8')) as number,
    });
    await table.start();
    try {
      assert.equal(table.size, 0);
      const count = 500;
      await producer.send(
        topic,
        Array.from({ length: count }, (_, i) => ({ key: `series-${i}`, value: JSON.stringify(i) })),
      );
      assert.equal(await table.catchUp(), true);
      assert.equal(table.size, count, 'every record applied by the time catchUp resolves');
      assert.equal(table.get(`series-${count - 1}`), count - 1);
    } finally {
      await table.close();
    }
  });
});
