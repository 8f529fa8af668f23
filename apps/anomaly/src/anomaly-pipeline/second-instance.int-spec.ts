// A second anomaly service instance joins the group mid-stream and the first one leaves: the partitions move twice,
// and every incident is still published exactly once as firing and once as resolved, with one id.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { METRIC_EVENT_SCHEMA, seriesKey, type AlertEvent } from '@tideline/contracts';
import { InfluxClient } from '@tideline/influx';
import { createKafka } from '@tideline/kafka';
import { type ServiceProcess, expectEventually, stackFromEnv } from '@tideline/testing';
import type { Producer } from 'kafkajs';
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
const HOSTS = Array.from({ length: 8 }, (_, i) => `node-${i}`);

describe('a second anomaly instance joins and the first leaves (partitions move twice)', () => {
  const names = pipelineNames('instances');
  const env = pipelineEnv(names, stack);
  const start = Date.now() - 2000 * MINUTE;
  let producer: Producer;
  let baseline: ServiceProcess;
  const anomalies: ServiceProcess[] = [];
  let alerts: TopicCollector;
  let step = 0;

  /** One point per host per step: the same value everywhere, `value(host index)`. */
  const send = async (steps: number, value: (host: number, step: number) => number) => {
    for (let s = 0; s < steps; s++, step++) {
      const messages = HOSTS.map((host, h) => ({
        key: seriesKey({ metric: 'jobs.queued', host, tags: {} }),
        value: JSON.stringify({
          schema: METRIC_EVENT_SCHEMA,
          metric: 'jobs.queued',
          host,
          value: value(h, s),
          ts: start + step * MINUTE,
        }),
      }));
      await producer.send({ topic: names.metrics, messages });
    }
  };
  const normal = (_host: number, s: number) => 100 + ((s * 7) % 5) - 2;
  const decided = async (total: number) =>
    expectEventually(
      async () => {
        let sum = 0;
        for (const a of anomalies)
          if (a.child.exitCode === null) sum += await metricValue(a.url, 'tideline_anomaly_points_decided_total');
        assert.ok(sum >= total, `${sum} of ${total} points decided`);
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );

  before(async () => {
    const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'test-instances' });
    baseline = await startPipelineService('baseline', env);
    anomalies.push(await startPipelineService('anomaly', env));
    producer = kafka.producer();
    await producer.connect();
    alerts = await collectTopic(kafka, names.alerts);
  });

  after(async () => {
    await alerts?.stop();
    await producer?.disconnect();
    await Promise.all([baseline?.stop(10_000), ...anomalies.map((a) => a.stop(10_000))]);
    await new InfluxClient({ url: stack.influxUrl, database: names.database })
      .dropDatabase(names.database)
      .catch(() => undefined);
  });

  it('publishes each incident once as firing and once as resolved, with one id, across both moves', async () => {
    await send(300, normal);
    // the second instance joins: the group rebalances, some partitions move to it
    anomalies.push(await startPipelineService('anomaly', env));
    // an incident on every host, opened and resolved while both instances share the partitions
    await send(3, () => 400);
    // calm for longer than the detector's suppression of aftershocks (35 points), so the next spike alerts again
    await send(100, normal);
    await decided(HOSTS.length * 403);
    // a second incident opens (a new high) while the first instance still owns some partitions ...
    await send(2, () => 1000);
    await decided(HOSTS.length * 405);
    const before = await metricValue(anomalies[1]!.url, 'tideline_anomaly_points_decided_total');
    // ... then the first instance leaves: its partitions move to the second, which resumes their open incidents
    await anomalies[0]!.stop(15_000);
    await send(2, () => 1000);
    await send(30, normal);
    await expectEventually(
      async () => {
        const after = await metricValue(anomalies[1]!.url, 'tideline_anomaly_points_decided_total');
        assert.equal(after - before, HOSTS.length * 32, 'the second instance decides on every later point');
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    await expectEventually(
      () => {
        const all = alerts.messages.map((m) => JSON.parse(m.value!.toString('utf8')) as AlertEvent);
        for (const host of HOSTS) {
          const mine = all.filter((a) => a.host === host);
          const keys = mine.map((a) => `${a.id}/${a.state}`);
          assert.equal(new Set(keys).size, keys.length, `${host}: an alert was published twice: ${keys.join(', ')}`);
          assert.deepEqual(
            mine.map((a) => a.state),
            ['firing', 'resolved', 'firing', 'resolved'],
            `${host}: two incidents, each fired and resolved once`,
          );
          assert.equal(mine[0]!.id, mine[1]!.id);
          assert.equal(mine[2]!.id, mine[3]!.id, `${host}: the incident open across the move is resolved under its id`);
          assert.notEqual(mine[0]!.id, mine[2]!.id);
        }
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
  });
});
