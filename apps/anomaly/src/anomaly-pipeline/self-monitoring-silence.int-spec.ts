// A baseline service killed (SIGKILL) while a series cap refuses series never sends the calm points that would resolve
// its self-monitoring alert: the anomaly service resolves it once the series has been silent for
// SELF_MONITORING_SILENCE_MS (the real baseline and anomaly services as processes, the shared broker and InfluxDB).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SELF_MONITORING_INTERVAL_MS, SELF_MONITORING_SILENCE_MS } from '@tideline/config';
import {
  METRIC_EVENT_SCHEMA,
  SELF_METRIC_NAMES,
  baselinePointsOf,
  decodeBaselineRecords,
  seriesKey,
  type AlertEvent,
  type BaselinePoint,
} from '@tideline/contracts';
import { createKafka } from '@tideline/kafka';
import { type ServiceProcess, expectEventually, stackFromEnv } from '@tideline/testing';
import type { Kafka, Producer } from 'kafkajs';
import {
  collectTopic,
  pipelineEnv,
  pipelineNames,
  startPipelineService,
  type TopicCollector,
} from '../testing/pipeline-harness';

const stack = stackFromEnv();

describe('self-monitoring alert of a baseline instance killed while refusing (services as processes)', () => {
  const names = pipelineNames('silence');
  let kafka: Kafka;
  let producer: Producer;
  let baseline: ServiceProcess;
  let anomaly: ServiceProcess;
  let alerts: TopicCollector;
  let baselines: TopicCollector;
  let sending: NodeJS.Timeout | undefined;

  before(async () => {
    kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'test-silence' });
    baseline = await startPipelineService('baseline', {
      ...pipelineEnv(names, stack),
      TIDELINE__LIMITS__MAX_ACTIVE_SERIES: '2',
      TIDELINE__LIMITS__MAX_SERIES_PER_HOST: '2',
      TIDELINE__LIMITS__MAX_SERIES_IN_MEMORY: '2',
    });
    anomaly = await startPipelineService('anomaly', pipelineEnv(names, stack));
    producer = kafka.producer();
    await producer.connect();
    alerts = await collectTopic(kafka, names.alerts);
    baselines = await collectTopic(kafka, names.baselines);
  });

  after(async () => {
    clearInterval(sending);
    await alerts?.stop();
    await baselines?.stop();
    await producer?.disconnect();
    baseline?.kill();
    await anomaly?.stop(10_000);
  });

  it('resolves the critical alert once the series has been silent for SELF_MONITORING_SILENCE_MS: same id, one incident', async () => {
    // a new series every 300 ms: beyond the first two, each is refused, so the refusals go on until the kill
    let n = 0;
    const sendNext = () => {
      const i = n++;
      const event = { schema: METRIC_EVENT_SCHEMA, metric: `m${i}`, host: 'a', value: i, ts: Date.now() };
      void producer
        .send({
          topic: names.metrics,
          messages: [{ key: seriesKey({ metric: event.metric, host: 'a', tags: {} }), value: JSON.stringify(event) }],
        })
        .catch(() => undefined);
    };
    sending = setInterval(sendNext, 300);
    const selfAlerts = () =>
      alerts.messages
        .map((m) => JSON.parse(m.value!.toString('utf8')) as AlertEvent)
        .filter((a) => a.metric === SELF_METRIC_NAMES.cardinalityExceeded);
    const firing = await expectEventually(
      () => {
        const [first] = selfAlerts();
        assert.equal(first?.state, 'firing');
        return first!;
      },
      { timeoutMs: 60_000, intervalMs: 250, message: 'the refusals raised no alert' },
    );
    assert.equal(firing.severity, 'critical');

    // killed while refusing: no shutdown, no calm point ever comes from it
    baseline.kill();
    clearInterval(sending);

    const resolved = await expectEventually(
      () => {
        const seen = selfAlerts();
        assert.equal(seen.length, 2, JSON.stringify(seen.map((a) => a.state)));
        return seen[1]!;
      },
      { timeoutMs: 120_000, intervalMs: 1000, message: 'the alert of the silent series was not resolved' },
    );
    assert.deepEqual([resolved.id, resolved.state, resolved.severity], [firing.id, 'resolved', 'critical']);

    const selfPoints = (): BaselinePoint[] =>
      baselines.messages
        .flatMap((m) => {
          const decoded = decodeBaselineRecords(m.value!);
          return decoded.ok ? decoded.value : [];
        })
        .flatMap((r) => (r.metric === SELF_METRIC_NAMES.cardinalityExceeded ? baselinePointsOf(r) : []))
        .sort((a, b) => a.ts - b.ts);
    // the last two: the anomaly service's calm points, after the killed instance's last point
    const points = await expectEventually(() => {
      const all = selfPoints();
      const last = all.at(-3)!;
      assert.ok(last.value > 0, 'the instance was refusing when it was killed');
      assert.deepEqual(
        all.slice(-2).map((p) => [p.ts - last.ts, p.value, p.score, p.series]),
        [
          [SELF_MONITORING_INTERVAL_MS, 0, 0, firing.series],
          [SELF_MONITORING_SILENCE_MS, 0, 0, firing.series],
        ],
      );
      return all;
    });
    assert.equal(
      resolved.resolvedAt,
      points.at(-3)!.ts + SELF_MONITORING_INTERVAL_MS,
      'resolved from when its next point was due',
    );
    assert.equal(selfAlerts().length, 2, 'one incident: fired once, resolved once');
  });
});
