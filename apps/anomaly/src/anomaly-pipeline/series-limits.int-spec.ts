// Series caps and InfluxDB's series limits through the real baseline and anomaly services: new series over a cap are
// dead-lettered `cardinality_exceeded`, and the baseline service publishes its self-monitoring series as judged points
// on the baselines topic, from which the anomaly service raises one critical alert and resolves it once the refusals
// stop; points InfluxDB refuses go to the points dead-letter topic with InfluxDB's reason, and every other point is
// stored (a private influxd with tiny limits; the shared one is untouched).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  METRIC_EVENT_SCHEMA,
  SELF_METRIC_NAMES,
  decodeBaselineRecords,
  seriesKey,
  type AlertEvent,
  type BaselineRecord,
} from '@tideline/contracts';
import { InfluxClient } from '@tideline/influx';
import { DEAD_LETTER_HEADERS, createKafka, parseDeadLetter } from '@tideline/kafka';
import { type ServiceProcess, expectEventually, readTopic, stackFromEnv } from '@tideline/testing';
import type { Kafka, Producer } from 'kafkajs';
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
const MINUTE = 60_000;
const POINTS_PER_SERIES = 3;
/** Host a: 7 series (its cap is 5), host b: 5 series; at most 8 series on the instance: 8 admitted, 4 refused. */
const SERIES = [
  ...Array.from({ length: 7 }, (_, i) => ({ host: 'a', metric: `m${i}` })),
  ...Array.from({ length: 5 }, (_, i) => ({ host: 'b', metric: `m${i}` })),
];

describe('series caps and InfluxDB series limits (baseline and anomaly services as processes, private influxd)', () => {
  const names = pipelineNames('limits');
  let influxd: PrivateInfluxd;
  let kafka: Kafka;
  let producer: Producer;
  let baseline: ServiceProcess;
  let anomaly: ServiceProcess;
  let alerts: TopicCollector;
  let baselines: TopicCollector;

  before(async () => {
    // 7 values per tag key: the metric tag (m0-m6) fits, the series tag does not
    influxd = await startPrivateInfluxd(['max-values-per-tag = 7']);
    kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'test-limits' });
    baseline = await startPipelineService('baseline', {
      ...pipelineEnv(names, { ...stack, influxUrl: influxd.url }),
      TIDELINE__LIMITS__MAX_ACTIVE_SERIES: '8',
      TIDELINE__LIMITS__MAX_SERIES_PER_HOST: '5',
      TIDELINE__LIMITS__MAX_SERIES_IN_MEMORY: '8',
    });
    anomaly = await startPipelineService('anomaly', pipelineEnv(names, { ...stack, influxUrl: influxd.url }));
    producer = kafka.producer();
    await producer.connect();
    alerts = await collectTopic(kafka, names.alerts);
    baselines = await collectTopic(kafka, names.baselines);
  });

  after(async () => {
    await alerts?.stop();
    await baselines?.stop();
    await producer?.disconnect();
    await baseline?.stop(10_000);
    await anomaly?.stop(10_000);
    await influxd?.destroy();
  });

  it('dead-letters new series over a cap (cardinality_exceeded), alerts through the anomaly service until the refusals stop, and dead-letters only the points InfluxDB refuses', async () => {
    const start = Date.now() - 60 * MINUTE;
    const event = (host: string, metric: string, i: number) =>
      JSON.stringify({ schema: METRIC_EVENT_SCHEMA, metric, host, value: 10 + i, ts: start + i * MINUTE });
    const messagesOf = (series: typeof SERIES) =>
      series.flatMap(({ host, metric }) =>
        Array.from({ length: POINTS_PER_SERIES }, (_, i) => ({
          key: seriesKey({ metric, host, tags: {} }),
          value: event(host, metric, i),
        })),
      );
    const influx = new InfluxClient({ url: influxd.url, database: names.database });
    const storedPoints = async () => {
      const rows = await influx.query<{ series: string; count: number }>(
        'SELECT count("value") FROM "points" GROUP BY "series"',
      );
      return rows.filter((row) => !row.series.startsWith('prefill')).reduce((sum, row) => sum + row.count, 0);
    };
    // two series first, stored; then InfluxDB's series tag is filled to its limit (7 values) by someone else's points,
    // so that every point of a later new series is refused (InfluxDB checks the limit per write, not per point)
    const [first, rest] = [SERIES.filter((s) => s.host === 'b').slice(0, 2), SERIES.slice()];
    rest.splice(rest.indexOf(first[0]!), 2);
    await producer.send({ topic: names.metrics, messages: messagesOf(first) });
    await expectEventually(async () => assert.equal(await storedPoints(), 2 * POINTS_PER_SERIES), {
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    await influx.writeLines(Array.from({ length: 5 }, (_, i) => `points,series=prefill-${i} value=0 ${start}`));
    const reserved = event('a', 'tideline.cardinality_exceeded', 0);
    await producer.send({ topic: names.metrics, messages: [...messagesOf(rest), { key: 'x', value: reserved }] });

    const refusedEvents = 4 * POINTS_PER_SERIES;
    await expectEventually(
      async () => {
        assert.equal(await metricValue(baseline.url, 'tideline_baseline_series_refused_total'), refusedEvents);
        assert.equal(
          await metricValue(baseline.url, 'tideline_baseline_records_dead_lettered_total', {
            reason: 'cardinality_exceeded',
          }),
          refusedEvents,
        );
        assert.equal(
          await metricValue(baseline.url, 'tideline_baseline_records_dead_lettered_total', {
            reason: 'metric_name_reserved',
          }),
          1,
        );
        assert.equal(await metricValue(baseline.url, 'tideline_baseline_events_learned_total'), 8 * POINTS_PER_SERIES);
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const dead = (await readTopic(kafka, `${names.metrics}.dlq`, { count: refusedEvents + 1, timeoutMs: 30_000 })).map(
      (m) => parseDeadLetter(m)!,
    );
    const refusedSeries = new Set(
      dead.filter((d) => d.reason === 'cardinality_exceeded').map((d) => d.key?.toString('utf8')),
    );
    assert.equal(refusedSeries.size, 4, 'four series refused, each with all its points');
    assert.equal(dead.filter((d) => d.reason === 'metric_name_reserved')[0]?.value?.toString('utf8'), reserved);
    // host a holds at most 5 (limits.maxSeriesPerHost), the instance at most 8 (which of a and b fill it first
    // depends on the order partitions are consumed in)
    assert.ok([...refusedSeries].filter((s) => s?.endsWith('|host=a')).length >= 2, 'host a: over its cap');

    // the baseline service publishes its self-monitoring series as judged points on the baselines topic (as any
    // series): the refusals, then calm points; the anomaly service alone decides and publishes the alert
    const selfSeries = (): BaselineRecord[] =>
      baselines.messages
        .flatMap((m) => {
          const decoded = decodeBaselineRecords(m.value!);
          return decoded.ok ? decoded.value : [];
        })
        .filter((r) => r.metric === SELF_METRIC_NAMES.cardinalityExceeded);
    await expectEventually(() => assert.ok(selfSeries().length >= 1), { timeoutMs: 30_000 });
    const refusal = selfSeries()[0]!;
    assert.match(refusal.series, /^tideline\.cardinality_exceeded\|host=.+\|service=baseline$/);
    assert.equal(refusal.points.score[0], 1);
    assert.deepEqual([refusal.points.lower[0], refusal.points.upper[0], refusal.points.ready[0]], [0, 0, true]);
    const selfAlerts = () =>
      alerts.messages
        .map((m) => JSON.parse(m.value!.toString('utf8')) as AlertEvent)
        .filter((a) => a.metric === SELF_METRIC_NAMES.cardinalityExceeded);
    await expectEventually(() => assert.equal(selfAlerts().length, 1), { timeoutMs: 30_000 });
    const firing = selfAlerts()[0]!;
    assert.equal(firing.state, 'firing');
    assert.equal(firing.severity, 'critical');
    assert.equal(firing.series, refusal.series);
    assert.equal(firing.startedAt, refusal.points.ts[0], 'the incident starts at the refusal refusal point');
    // no refusal after the burst: calm points (value 0) resolve it, with the same id, after clearDurationMs (15 s)
    await expectEventually(
      () =>
        assert.deepEqual(
          selfAlerts().map((a) => [a.id, a.state]),
          [
            [firing.id, 'firing'],
            [firing.id, 'resolved'],
          ],
        ),
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
    const values = selfSeries().flatMap((r) => r.points.value);
    assert.equal(
      values.reduce((sum, v) => sum + v, 0),
      refusedEvents,
      'the points carry every refused event once',
    );
    assert.ok(values.at(-1) === 0, 'calm points after the refusals');
    // the transitions are in InfluxDB's alerts measurement too, with the ids they had on the alerts topic
    const influxAlerts = new InfluxClient({ url: influxd.url, database: names.database });
    await expectEventually(async () => {
      const rows = await influxAlerts.query<{ id: string; state: string; severity: string }>(
        `SELECT * FROM "alerts" WHERE "metric" = '${SELF_METRIC_NAMES.cardinalityExceeded}'`,
      );
      assert.deepEqual(
        rows.map((row) => [row.id, row.state, row.severity]),
        [
          [firing.id, 'firing', 'critical'],
          [firing.id, 'resolved', 'critical'],
        ],
      );
    });

    // InfluxDB refuses every point of the 6 series admitted after its limit was reached: those, and only those, are
    // dead-lettered with InfluxDB's reason; the 2 series stored before stay stored
    await expectEventually(
      async () => {
        const rejectedCount = await metricValue(baseline.url, 'tideline_baseline_influx_points_rejected_total');
        const letters = await readTopic(kafka, names.pointsDeadLetter, { count: rejectedCount, timeoutMs: 10_000 });
        assert.equal(letters.length, rejectedCount, 'each refused point is dead-lettered once');
        for (const letter of letters) {
          assert.equal(letter.headers[DEAD_LETTER_HEADERS.reason]?.toString(), 'influx_max_values_per_tag');
          assert.match(String(letter.headers[DEAD_LETTER_HEADERS.detail]), /max-values-per-tag limit exceeded/);
        }
        const rejectedLines = letters.map((l) => l.value!.toString('utf8')).filter((l) => l.startsWith('points,'));
        assert.equal(rejectedLines.length, 6 * POINTS_PER_SERIES);
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    assert.equal(await storedPoints(), 2 * POINTS_PER_SERIES);
    assert.equal(selfAlerts().length, 2, 'still one self-monitoring incident: fired once, resolved once');
  });
});
