// The anomaly service's `alerts` rows that InfluxDB refuses (its series limits) are not only counted: each goes to the
// points dead-letter topic with InfluxDB's reason, while the alerts themselves are published and the other rows
// stored (the real anomaly service as a process, a private influxd with a tiny max-values-per-tag; the shared one is
// untouched).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { baselineRecordOf, encodeEvent, seriesKey, type AlertEvent, type BaselinePoint } from '@tideline/contracts';
import { InfluxClient } from '@tideline/influx';
import { DEAD_LETTER_HEADERS, createKafka } from '@tideline/kafka';
import { type ServiceProcess, expectEventually, readTopic, stackFromEnv } from '@tideline/testing';
import type { Kafka } from 'kafkajs';
import {
  collectTopic,
  metricValue,
  pipelineEnv,
  pipelineNames,
  startPipelineService,
  startPrivateInfluxd,
  type PrivateInfluxd,
  type TopicCollector,
} from '../testing/pipeline-harness';

const stack = stackFromEnv();
const HOSTS = ['h1', 'h2', 'h3', 'h4'];
const METRIC = 'refused.rows';

/** A judged point far above its band with the highest score: its series fires at once under the default policy. */
function breach(host: string, ts: number): BaselinePoint {
  return {
    series: seriesKey({ metric: METRIC, host, tags: {} }),
    host,
    metric: METRIC,
    tags: {},
    ts,
    value: 100,
    expected: 5,
    lower: 0,
    upper: 10,
    score: 1,
    detector: 'level',
    ready: true,
    evidence: { deviation: 20, seasonality: 'none', observations: 500 },
  };
}

describe("the anomaly service's alert rows refused by InfluxDB (anomaly service as a process, private influxd)", () => {
  const names = pipelineNames('rows');
  let influxd: PrivateInfluxd;
  let kafka: Kafka;
  let anomaly: ServiceProcess;
  let alerts: TopicCollector;

  before(async () => {
    // two values per tag key of the alerts measurement: the rows of two series are stored, the others refused
    influxd = await startPrivateInfluxd(['max-values-per-tag = 2']);
    kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'test-refused-rows' });
    anomaly = await startPipelineService('anomaly', pipelineEnv(names, { ...stack, influxUrl: influxd.url }));
    alerts = await collectTopic(kafka, names.alerts);
  });

  after(async () => {
    await alerts?.stop();
    await anomaly?.stop(10_000);
    await influxd?.destroy();
  });

  it('publishes every alert, stores the rows InfluxDB takes, and dead-letters each refused row with its reason', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const ts = Date.now() - 60_000;
    const send = (hosts: readonly string[]) =>
      producer.send({
        topic: names.baselines,
        messages: hosts.map((host) => {
          const point = breach(host, ts);
          return { key: point.series, value: Buffer.from(encodeEvent(baselineRecordOf([point]))) };
        }),
      });
    const influx = new InfluxClient({ url: influxd.url, database: names.database });
    const storedSeries = async () =>
      (await influx.query<{ series: string }>(`SELECT "id", "series" FROM "alerts"`)).map((row) => row.series);
    // InfluxDB checks its limits per write, not per point: two series' rows first, stored, which fills the limit
    await send(HOSTS.slice(0, 2));
    await expectEventually(async () => assert.equal((await storedSeries()).length, 2), {
      timeoutMs: 60_000,
      intervalMs: 250,
      message: 'the first two rows were not stored',
    });
    await send(HOSTS.slice(2));
    await producer.disconnect();
    const series = HOSTS.map((host) => seriesKey({ metric: METRIC, host, tags: {} }));

    await expectEventually(
      () => {
        const fired = alerts.messages.map((m) => JSON.parse(m.value!.toString('utf8')) as AlertEvent);
        assert.deepEqual(fired.map((a) => [a.series, a.state]).sort(), series.map((s) => [s, 'firing']).sort());
      },
      { timeoutMs: 60_000, intervalMs: 250, message: 'the anomaly service did not publish the four alerts' },
    );

    const refused = await expectEventually(
      async () => {
        const count = await metricValue(anomaly.url, 'tideline_anomaly_influx_points_rejected_total', {
          reason: 'influx_max_values_per_tag',
        });
        assert.equal(count, 2);
        return readTopic(kafka, names.pointsDeadLetter, { count: 2, timeoutMs: 10_000 });
      },
      { timeoutMs: 60_000, intervalMs: 500, message: 'the refused rows were not dead-lettered' },
    );
    assert.equal(refused.length, 2);
    for (const letter of refused) {
      assert.equal(letter.headers[DEAD_LETTER_HEADERS.reason]?.toString(), 'influx_max_values_per_tag');
      assert.match(String(letter.headers[DEAD_LETTER_HEADERS.detail]), /max-values-per-tag limit exceeded/);
      assert.match(letter.value!.toString('utf8'), /^alerts,.*state=firing/);
    }
    const stored = await storedSeries();
    const deadLettered = refused.map((letter) => letter.key!.toString('utf8'));
    assert.deepEqual(stored.sort(), series.slice(0, 2).sort(), 'the rows of the first two series are stored');
    assert.deepEqual([...stored, ...deadLettered].sort(), [...series].sort(), 'each row stored or dead-lettered, once');
  });
});
