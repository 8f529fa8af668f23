import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Logger } from '@nestjs/common';
import { BatchConsumer, createKafka, ensureTopics } from '@tideline/kafka';
import { expectEventually, stackFromEnv, uniqueGroup, uniqueTopic } from '@tideline/testing';
import { Registry } from 'prom-client';
import { HealthChecks } from '../health/health-checks';
import { BackgroundStart } from './background-start';

const quiet = { warn: () => undefined, error: () => undefined, log: () => undefined } as unknown as Logger;

/**
 * A consumer of its own (own topic, own group) on the shared broker, whose handler is held: the condition a consumer
 * is in when it sits idle after a broker restart or waits on a dependency, produced without stopping the broker.
 */
describe('readiness while a consumer is stalled (real broker)', () => {
  const stack = stackFromEnv();
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'test-consumer-stall' });
  const topic = uniqueTopic('stall');
  let consumer: BatchConsumer | undefined;
  let lifecycle: BackgroundStart | undefined;

  after(async () => {
    await lifecycle?.stop();
  });

  it('turns /health 503 naming the stalled partition and its lag, exports the lag per partition, and recovers', async () => {
    await ensureTopics(kafka, [{ topic, partitions: 2 }]);
    const registry = new Registry();
    const health = new HealthChecks({ service: 'test', registry });
    let open = false;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let handled = 0;
    lifecycle = new BackgroundStart(health, {
      name: 'pipeline',
      starting: 'joining the group',
      logger: quiet,
      start: async () => {
        consumer = new BatchConsumer(kafka, {
          groupId: uniqueGroup('stall'),
          topics: [topic],
          fromBeginning: true,
          maxWaitTimeMs: 100,
          lagMonitor: { intervalMs: 300, stallAfterMs: 2000 },
          hooks: lifecycle!.consumerHooks('the test consumer'),
        });
        await consumer.start(async (batch) => {
          if (!open) await gate; // held: nothing is handled, nothing committed
          handled += batch.records.length;
        });
        await consumer.waitForAssignment();
      },
      stopParts: async () => {
        await consumer?.stop().catch(() => undefined);
      },
    });
    const readiness = async () => (await health.run()).checks['pipeline']!;

    lifecycle.begin();
    await expectEventually(async () => assert.equal((await readiness()).ok, true), { timeoutMs: 30_000 });

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 4}`, value: String(i) })),
    });
    await producer.disconnect();

    const stalled = await expectEventually(
      async () => {
        const check = await readiness();
        assert.equal(check.ok, false, 'not ready while the consumer is held');
        return check.error!;
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    assert.match(stalled, new RegExp(`the test consumer is stalled: ${topic.replace(/\./g, '\\.')}/\\d \\(lag \\d+`));
    const metrics = await registry.metrics();
    const lags = [...metrics.matchAll(/^tideline_kafka_consumer_lag\{[^}]*partition="(\d)"\} (\d+)$/gm)];
    assert.equal(lags.length, 2, 'one gauge per assigned partition');
    assert.equal(
      lags.reduce((sum, m) => sum + Number(m[2]), 0),
      20,
      'the lag of the two partitions adds up to what was sent',
    );

    open = true;
    release();
    await expectEventually(
      async () => {
        assert.equal(handled, 20);
        assert.equal((await readiness()).ok, true, 'ready again once it commits');
        assert.match(await registry.metrics(), /^tideline_kafka_consumer_stalled_partitions\{[^}]*\} 0$/m);
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
  });
});
