// Scale-out: three instances of each pipeline service share one consumer group on the default 12 partitions; one of
// each is killed (SIGKILL) while points flow. Its partitions move to the others, which resume its series from their
// checkpoints: no point is lost, no alert id is published twice, and every incident still fires and resolves once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { METRIC_EVENT_SCHEMA, seriesKey, type AlertEvent } from '@tideline/contracts';
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
  type PipelineApp,
  type TopicCollector,
} from '../testing/pipeline-harness';

const stack = stackFromEnv();
const MINUTE = 60_000;
const HOSTS = Array.from({ length: 24 }, (_, i) => `node-${i}`);
const INSTANCES = 3;
/** Steps before the kill, after it (calm), the spike, and the calm that resolves it. */
const [BEFORE_KILL, AFTER_KILL, SPIKE, CALM] = [150, 150, 3, 40];
const STEPS = BEFORE_KILL + AFTER_KILL + SPIKE + CALM;

describe('three instances of each pipeline service, one of each killed under load', () => {
  const names = pipelineNames('scale-out');
  const env = pipelineEnv(names, stack);
  const start = Date.now() - (STEPS + 10) * MINUTE;
  const influx = new InfluxClient({ url: stack.influxUrl, database: names.database });
  let kafka: Kafka;
  let producer: Producer;
  const services: Record<PipelineApp, ServiceProcess[]> = { baseline: [], anomaly: [] };
  let alerts: TopicCollector;
  let step = 0;

  const send = async (steps: number, value: (s: number) => number) => {
    for (let s = 0; s < steps; s++, step++) {
      const messages = HOSTS.map((host) => ({
        key: seriesKey({ metric: 'jobs.queued', host, tags: {} }),
        value: JSON.stringify({
          schema: METRIC_EVENT_SCHEMA,
          metric: 'jobs.queued',
          host,
          value: value(step),
          ts: start + step * MINUTE,
        }),
      }));
      await producer.send({ topic: names.metrics, messages });
    }
  };
  const normal = (s: number) => 100 + ((s * 7) % 5) - 2;
  const sum = async (app: PipelineApp, metric: string) => {
    let total = 0;
    for (const service of services[app])
      if (service.child.exitCode === null && service.child.signalCode === null)
        total += await metricValue(service.url, metric);
    return total;
  };

  before(async () => {
    kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'test-scale-out' });
    // the first of each creates the topics (12 partitions), the others join its group
    services.baseline.push(await startPipelineService('baseline', env));
    services.anomaly.push(await startPipelineService('anomaly', env));
    const apps = Array.from({ length: INSTANCES - 1 }, () => ['baseline', 'anomaly'] as const).flat();
    const more = await Promise.all(apps.map((app) => startPipelineService(app, env)));
    more.forEach((service, i) => services[apps[i]!].push(service));
    producer = kafka.producer();
    await producer.connect();
    alerts = await collectTopic(kafka, names.alerts);
  });

  after(async () => {
    await alerts?.stop();
    await producer?.disconnect();
    await Promise.all([...services.baseline, ...services.anomaly].map((s) => s.stop(10_000)));
    await influx.dropDatabase(names.database).catch(() => undefined);
  });

  it('loses no point, publishes no alert id twice, and resumes the killed instances’ series from their checkpoints', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const [metrics] = (await admin.fetchTopicMetadata({ topics: [names.metrics] })).topics;
    await admin.disconnect();
    assert.equal(metrics?.partitions.length, 12, 'the metrics topic is created with kafka.scaleOutPartitions');

    await send(BEFORE_KILL, normal);
    // every instance has had a share of the work before one of each dies
    await expectEventually(
      async () => {
        for (const app of ['baseline', 'anomaly'] as const)
          for (const service of services[app]) {
            const metric = app === 'baseline' ? 'tideline_baseline_series' : 'tideline_anomaly_series';
            assert.ok((await metricValue(service.url, metric)) > 0, `${app} ${service.url} holds series`);
          }
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    services.baseline[0]!.child.kill('SIGKILL');
    services.anomaly[0]!.child.kill('SIGKILL');
    await send(AFTER_KILL, normal);
    await send(SPIKE, () => 400);
    await send(CALM, normal);

    // no point lost: every point of every series is in InfluxDB (written by whichever instance learned it)
    await expectEventually(
      async () => {
        const rows = await influx.query<{ count: number }>('SELECT count("value") FROM "points" GROUP BY "series"');
        assert.equal(rows.length, HOSTS.length);
        for (const row of rows) assert.equal(row.count, STEPS);
      },
      { timeoutMs: 120_000, intervalMs: 1000, message: 'every point stored' },
    );
    // the survivors took over the killed instances' series from their checkpoints (not from scratch)
    assert.ok((await sum('baseline', 'tideline_baseline_models_restored')) > 0, 'models restored from checkpoints');

    // every incident fired and resolved once, under one id, whichever instance decided it
    await expectEventually(
      () => {
        const all = alerts.messages.map((m) => JSON.parse(m.value!.toString('utf8')) as AlertEvent);
        const keys = all.map((a) => `${a.id}/${a.state}`);
        assert.equal(new Set(keys).size, keys.length, `an alert was published twice: ${keys.join(', ')}`);
        for (const host of HOSTS) {
          const mine = all.filter((a) => a.host === host);
          assert.deepEqual(
            mine.map((a) => a.state),
            ['firing', 'resolved'],
            `${host}: the spike after the kill fired and resolved once`,
          );
          assert.equal(mine[0]!.id, mine[1]!.id);
          assert.equal(mine[0]!.startedAt, start + (BEFORE_KILL + AFTER_KILL) * MINUTE);
        }
      },
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
  });
});
