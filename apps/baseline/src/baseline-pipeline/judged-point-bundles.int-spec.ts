import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  BASELINE_BUNDLE_VERSION,
  METRIC_EVENT_SCHEMA,
  baselinePointsOf,
  decodeBaselineRecords,
  encodeEvent,
  seriesKey,
  type MetricEvent,
} from '@tideline/contracts';
import { InfluxClient } from '@tideline/influx';
import { createKafka, partitionOfKey, topicPartitionCount } from '@tideline/kafka';
import {
  expectEventually,
  freePort,
  randomSuffix,
  readTopic,
  stackFromEnv,
  startService,
  type ServiceProcess,
} from '@tideline/testing';
import type { Kafka } from 'kafkajs';

/** The repository root, from this file's compiled place (apps/baseline/dist/baseline-pipeline). */
const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');
const stack = stackFromEnv();

const SERIES = 60;
const POINTS = 4;

describe('the judged points of a batch on the baselines topic (real broker, the compiled baseline service)', () => {
  const run = `bundles-${randomSuffix()}`;
  const topics = {
    metrics: `test.${run}.metrics`,
    baselines: `test.${run}.baselines`,
    checkpoints: `test.${run}.model-checkpoints`,
  };
  const database = `test_${run.replace(/-/g, '_')}`;
  let kafka: Kafka;
  let service: ServiceProcess;

  before(async () => {
    kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `test-${run}` });
    const port = await freePort();
    service = startService({
      main: join(REPO_ROOT, 'apps', 'baseline', 'dist', 'main.js'),
      port,
      env: {
        KAFKA_BROKERS: stack.kafkaBrokers.join(','),
        INFLUX_URL: stack.influxUrl,
        INFLUX_DATABASE: database,
        TIDELINE__BASELINE__TOPICS__METRICS: topics.metrics,
        TIDELINE__BASELINE__TOPICS__BASELINES: topics.baselines,
        TIDELINE__BASELINE__TOPICS__MODEL_CHECKPOINTS: topics.checkpoints,
        TIDELINE__BASELINE__CONSUMER_GROUP: `test-${run}-baseline`,
        HTTP_PORT: String(port),
        LOG_LEVEL: 'warn',
      },
    });
    await expectEventually(
      async () => {
        assert.equal(service.child.exitCode, null, `baseline exited; stderr:\n${service.stderr()}`);
        assert.equal((await fetch(`${service.url}/health`)).status, 200);
      },
      { timeoutMs: 60_000, intervalMs: 250, message: 'the baseline service did not become ready' },
    );
  });

  after(async () => {
    await service?.stop(10_000).catch(() => service.kill());
    await new InfluxClient({ url: stack.influxUrl, database }).dropDatabase(database).catch(() => undefined);
  });

  it('go out bundled per partition, each series whole, in order, on the partition its key gives', async () => {
    const nowMs = Date.now();
    const events: MetricEvent[] = [];
    for (let p = 0; p < POINTS; p++)
      for (let s = 0; s < SERIES; s++)
        events.push({
          schema: METRIC_EVENT_SCHEMA,
          metric: 'app.latency_ms',
          host: `web-${s}`,
          tags: { route: s % 2 === 0 ? '/a' : '/b' },
          value: 100 + s + p,
          ts: nowMs - (POINTS - p) * 1000,
        });
    const producer = kafka.producer();
    await producer.connect();
    try {
      // one send: the service takes them in a few batches, each with points of many series
      await producer.send({
        topic: topics.metrics,
        messages: events.map((event) => ({ key: seriesKey(event), value: Buffer.from(encodeEvent(event)) })),
      });
    } finally {
      await producer.disconnect();
    }

    const pointsIn = (messages: readonly { value: Buffer | null }[]) =>
      messages.flatMap((message) => {
        const decoded = decodeBaselineRecords(message.value ?? new Uint8Array());
        assert.ok(decoded.ok, JSON.stringify(decoded));
        return decoded.value.flatMap(baselinePointsOf);
      });
    const messages = await readTopic(kafka, topics.baselines, {
      count: 1,
      until: (read) => pointsIn(read).length >= SERIES * POINTS,
      timeoutMs: 60_000,
    });

    const bundles = messages.filter((m) => m.value?.[1] === BASELINE_BUNDLE_VERSION);
    assert.ok(bundles.length > 0, 'no bundle among the records');
    assert.ok(messages.length < SERIES, `${messages.length} Kafka records for ${SERIES * POINTS} points`);
    for (const bundle of bundles) assert.equal(bundle.key, null);

    const partitions = await topicPartitionCount(kafka, topics.baselines);
    const bySeries = new Map<string, number[]>();
    for (const message of messages) {
      const decoded = decodeBaselineRecords(message.value!);
      assert.ok(decoded.ok);
      for (const record of decoded.value) {
        assert.equal(message.partition, partitionOfKey(record.series, partitions), `partition of ${record.series}`);
        bySeries.set(record.series, [...(bySeries.get(record.series) ?? []), ...record.points.ts]);
      }
    }
    assert.equal(bySeries.size, SERIES);
    const expectedTs = Array.from({ length: POINTS }, (_, p) => nowMs - (POINTS - p) * 1000);
    for (const [series, ts] of bySeries) assert.deepEqual(ts, expectedTs, `the points of ${series}, in order`);
  });
});
