import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  METRIC_EVENT_SCHEMA,
  baselinePointsOf,
  decodeBaselineRecords,
  seriesKey,
  type AlertEvent,
  type BaselinePoint,
} from '@tideline/contracts';
import { InfluxClient } from '@tideline/influx';
import { createKafka } from '@tideline/kafka';
import { type ServiceProcess, expectEventually, stackFromEnv } from '@tideline/testing';
import type { Kafka, Producer } from 'kafkajs';
import {
  collectTopic,
  metricValue,
  pipelineEnv,
  pipelineNames,
  startPipelineService,
  type TopicCollector,
} from '../testing/pipeline-harness';

const stack = stackFromEnv();
const MINUTE = 60_000;

/** Resolves once the group has committed every offset of the topic (nothing left to redeliver). */
async function waitForGroupCaughtUp(kafka: Kafka, groupId: string, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await expectEventually(
      async () => {
        const ends = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        for (const end of ends) {
          const done = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
          const start = BigInt(end.low);
          if (BigInt(end.high) > start)
            assert.equal(done, end.high, `partition ${end.partition} committed ${done} of ${end.high}`);
        }
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  } finally {
    await admin.disconnect();
  }
}

describe('restarts (services killed with SIGKILL and started again)', () => {
  const names = pipelineNames('restart');
  const env = pipelineEnv(names, stack);
  const series = seriesKey({ metric: 'queue.depth', host: 'worker-1', tags: {} });
  const start = Date.now() - 1000 * MINUTE;
  let kafka: Kafka;
  let producer: Producer;
  let baseline: ServiceProcess;
  let anomaly: ServiceProcess;
  let alerts: TopicCollector;
  let sent = 0;

  const send = async (values: readonly number[]) => {
    const messages = values.map((value) => {
      const ts = start + sent++ * MINUTE;
      return {
        key: series,
        value: JSON.stringify({ schema: METRIC_EVENT_SCHEMA, metric: 'queue.depth', host: 'worker-1', value, ts }),
      };
    });
    await producer.send({ topic: names.metrics, messages });
  };
  const normal = (n: number) => Array.from({ length: n }, (_, i) => 100 + ((i * 7) % 5) - 2);
  const ofSeries = () =>
    alerts.messages.map((m) => JSON.parse(m.value!.toString('utf8')) as AlertEvent).filter((a) => a.series === series);

  before(async () => {
    kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'test-restart' });
    [baseline, anomaly] = await Promise.all([
      startPipelineService('baseline', env),
      startPipelineService('anomaly', env),
    ]);
    producer = kafka.producer();
    await producer.connect();
    alerts = await collectTopic(kafka, names.alerts);
  });

  after(async () => {
    await alerts?.stop();
    await producer?.disconnect();
    baseline?.kill();
    anomaly?.kill();
    await new InfluxClient({ url: stack.influxUrl, database: names.database })
      .dropDatabase(names.database)
      .catch(() => undefined);
  });

  it('neither fires again nor loses the resolve when the anomaly service is SIGKILLed mid-incident', async () => {
    await send([...normal(300), 400, 400, 400]);
    const firing = await expectEventually(
      () => {
        const found = ofSeries();
        assert.deepEqual(
          found.map((a) => a.state),
          ['firing'],
        );
        return found[0]!;
      },
      { timeoutMs: 60_000 },
    );
    await expectEventually(async () =>
      assert.equal(await metricValue(baseline.url, 'tideline_baseline_events_learned_total'), 303),
    );

    const killed = await anomaly.stop(10_000, 'SIGKILL');
    assert.equal(killed.signal, 'SIGKILL');
    // the incident goes on while the service is down, then the series is back to normal
    await send([400, 400, ...normal(50)]);
    anomaly = await startPipelineService('anomaly', env);

    await expectEventually(
      () =>
        assert.deepEqual(
          ofSeries().map((a) => a.state),
          ['firing', 'resolved'],
        ),
      { timeoutMs: 60_000 },
    );
    await waitForGroupCaughtUp(kafka, names.anomalyGroup, names.baselines);
    const all = ofSeries();
    assert.equal(all.filter((a) => a.state === 'firing').length, 1, 'one firing message for the incident, not two');
    assert.equal(all.filter((a) => a.state === 'resolved').length, 1);
    assert.equal(all[1]!.id, firing.id, 'the resolve closes the same incident');
    const resolvedAt = all[1]!.resolvedAt ?? 0;
    assert.ok(
      resolvedAt >= start + 305 * MINUTE && resolvedAt <= start + 315 * MINUTE,
      'resolved soon after the series is back to normal (point 305)',
    );
  });

  it('resumes the baseline model from its checkpoint after a SIGKILL, learning no point twice and none lost', async () => {
    await waitForGroupCaughtUp(kafka, names.baselineGroup, names.metrics);
    await baseline.stop(10_000, 'SIGKILL');
    await send(normal(10));
    baseline = await startPipelineService('baseline', env);
    const total = sent;
    await expectEventually(
      async () => {
        const latest = await collectLatestBaseline(kafka, names.baselines, series);
        // the judged point carries what the model had learned before it: every point sent before the last, once
        assert.equal(
          latest?.evidence.observations,
          total - 1,
          'observations after the restart = every point sent, once',
        );
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    assert.equal(await metricValue(baseline.url, 'tideline_baseline_models_restored'), 1);
  });
});

/** The latest judged point of a series on the baselines topic. */
async function collectLatestBaseline(kafka: Kafka, topic: string, series: string): Promise<BaselinePoint | undefined> {
  const collector = await collectTopic(kafka, topic);
  try {
    return await expectEventually(
      () => {
        const mine = collector.messages
          .map((m) => decodeBaselineRecords(m.value!))
          .flatMap((r) => (r.ok ? r.value.flatMap(baselinePointsOf) : []))
          .filter((u) => u.series === series);
        assert.ok(mine.length > 0);
        return mine.reduce((a, b) => (b.ts > a.ts ? b : a));
      },
      { timeoutMs: 20_000 },
    );
  } finally {
    await collector.stop();
  }
}
