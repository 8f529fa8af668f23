import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LIMITS, METRIC_EVENT_SCHEMA, seriesKey, type AlertEvent } from '@tideline/contracts';
import { InfluxClient } from '@tideline/influx';
import { createKafka, parseDeadLetter } from '@tideline/kafka';
import { type ServiceProcess, expectEventually, readTopic, stackFromEnv } from '@tideline/testing';
import type { Kafka, Producer } from 'kafkajs';
import {
  collectTopic,
  metricValue,
  pipelineEnv,
  pipelineNames,
  runCli,
  spikeSeries,
  startPipelineService,
  writeNabCsv,
  type TopicCollector,
} from '../testing/pipeline-harness';

const stack = stackFromEnv();
const MINUTE = 60_000;

function alertsOf(collector: TopicCollector, series: string): AlertEvent[] {
  return collector.messages
    .map((m) => JSON.parse(m.value!.toString('utf8')) as AlertEvent)
    .filter((alert) => alert.series === series);
}

describe('metrics to alerts, end to end (baseline and anomaly services as processes)', () => {
  const names = pipelineNames('e2e');
  const env = pipelineEnv(names, stack);
  let kafka: Kafka;
  let producer: Producer;
  let baseline: ServiceProcess;
  let anomaly: ServiceProcess;
  let alerts: TopicCollector;
  const influx = new InfluxClient({ url: stack.influxUrl, database: names.database });

  before(async () => {
    kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'test-e2e' });
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
    await Promise.all([baseline?.stop(10_000), anomaly?.stop(10_000)]);
    await influx.dropDatabase(names.database).catch(() => undefined);
  });

  it('replays a series with a known spike: exactly one firing alert, later one resolved, and the band is queryable with InfluxQL', async () => {
    const points = spikeSeries({
      points: 2000,
      spikeAt: 1500,
      spikeLength: 5,
      spikeValue: 90,
      startMs: Date.UTC(2026, 0, 1),
    });
    const csv = writeNabCsv('spiky_cpu', points);
    const replay = await runCli(['replay', csv, '--topic', names.metrics, '--speed', 'max'], env);
    assert.equal(replay.code, 0, replay.stderr);
    assert.match(replay.stdout, /replayed 2000 events of spiky_cpu/);
    const series = seriesKey({ metric: 'spiky_cpu', host: 'replay', tags: {} });

    // every event scored and learned, so "exactly one" below cannot be followed by a late second alert
    await expectEventually(
      async () => {
        assert.equal(await metricValue(anomaly.url, 'tideline_anomaly_points_decided_total'), 2000);
        assert.equal(await metricValue(baseline.url, 'tideline_baseline_events_learned_total'), 2000);
      },
      { timeoutMs: 60_000, message: 'the services did not process the replay' },
    );
    const seen = await expectEventually(
      () => {
        const found = alertsOf(alerts, series);
        assert.deepEqual(
          found.map((a) => a.state),
          ['firing', 'resolved'],
        );
        return found;
      },
      { timeoutMs: 30_000 },
    );
    const [firing, resolved] = seen as [AlertEvent, AlertEvent];
    assert.equal(firing.id, resolved.id);
    assert.equal(firing.value, 90, 'it fires on the first spike point');
    assert.ok(
      firing.value > firing.upper,
      `the value ${firing.value} is above the band [${firing.lower}, ${firing.upper}]`,
    );
    assert.ok(firing.lower < firing.expected && firing.expected < firing.upper);
    assert.ok(Math.abs(firing.expected - 50) < 1, `expected ${firing.expected} near the level 50`);
    assert.equal(firing.startedAt, firing.updatedAt);
    assert.match(
      firing.explanation ?? '',
      /^\w[\w ]*: 90 above the band [\d.]+–[\d.]+ \(expected [\d.]+\); [\d.]+ times as unusual/,
    );
    assert.match(resolved.explanation ?? '', /^back to normal: /);
    assert.equal(resolved.startedAt, firing.startedAt);
    // resolved once the series is calm and back in its band: after the spike, within a few points
    const resolvedAt = resolved.resolvedAt ?? 0;
    assert.ok(
      resolvedAt >= firing.startedAt + 5 * 5 * MINUTE && resolvedAt <= firing.startedAt + 10 * 5 * MINUTE,
      `resolved ${(resolvedAt - firing.startedAt) / MINUTE} min after the start of a 25-min spike`,
    );

    // the band, with plain InfluxQL (the baseline service writes it at its writer's pace: within a second or so)
    const band = await expectEventually(async () => {
      const rows = await influx.query<{ expected: number; lower: number; upper: number }>(
        `SELECT "expected", "lower", "upper" FROM "baseline" WHERE "series" = '${series}'`,
      );
      assert.ok(rows.length >= 1900, `${rows.length} band points`);
      return rows;
    });
    assert.ok(band.every((row) => row.lower <= row.expected && row.expected <= row.upper));
    // and the alert's own query shows the spike with its band and score (scores are written in the background)
    await expectEventually(async () => {
      const rows = await influx.queryRaw(firing.influxql);
      const measurements = rows[0]!.series.map((s) => s.name).sort();
      assert.deepEqual(measurements, ['anomaly_scores', 'baseline', 'points']);
    });
    const spike = await influx.query<{ value: number }>(
      `SELECT "value" FROM "points" WHERE "series" = '${series}' AND time = ${firing.startedAt}ms`,
    );
    assert.equal(spike[0]?.value, 90);

    // the band on the alert is the band stored for that point
    const stored = await influx.query<{ expected: number; lower: number; upper: number }>(
      `SELECT "expected", "lower", "upper" FROM "baseline" WHERE "series" = '${series}' AND time = ${firing.updatedAt}ms`,
    );
    assert.deepEqual(stored[0] && [stored[0].expected, stored[0].lower, stored[0].upper], [
      firing.expected,
      firing.lower,
      firing.upper,
    ]);
    // every transition is in InfluxDB's alerts measurement, with the id it had on the alerts topic
    await expectEventually(async () => {
      const rows = await influx.query<{ id: string; state: string; severity: string; value: number; upper: number }>(
        `SELECT * FROM "alerts" WHERE "series" = '${series}'`,
      );
      assert.deepEqual(
        rows.map((row) => [row.id, row.state, row.severity, row.value, row.upper]),
        seen.map((alert) => [alert.id, alert.state, alert.severity, alert.value, alert.upper]),
      );
    });
  });

  it('scores InfluxDB line protocol (Telegraf) like JSON events', async () => {
    const start = Date.now() - 500 * MINUTE;
    const points = spikeSeries({
      points: 400,
      spikeAt: 300,
      spikeLength: 3,
      spikeValue: 80,
      startMs: start,
      stepMs: MINUTE,
    });
    const json = points.map((p) => ({
      key: 'host=json-1',
      value: JSON.stringify({
        schema: METRIC_EVENT_SCHEMA,
        metric: 'disk.used',
        host: 'json-1',
        value: p.value,
        ts: p.ts,
        tags: { mount: '/' },
      }),
    }));
    // Telegraf sends nanosecond timestamps and batches several lines per record. Its metric has a name of its own:
    // a series of a metric the fleet already knows starts from the fleet's prior (libs/stats FleetPrior), so with
    // one name the second series would be scored a little differently because it came second, not because of its
    // encoding.
    const lines = points.map((p) => `disk_lp,host=lp-1,mount=/ used=${p.value} ${p.ts}000000`);
    const lineRecords = [];
    for (let i = 0; i < lines.length; i += 50)
      lineRecords.push({ key: 'host=lp-1', value: lines.slice(i, i + 50).join('\n') });
    await producer.send({ topic: names.metrics, messages: json });
    await producer.send({ topic: names.metrics, messages: lineRecords });

    const jsonSeries = seriesKey({ metric: 'disk.used', host: 'json-1', tags: { mount: '/' } });
    const lpSeries = seriesKey({ metric: 'disk_lp.used', host: 'lp-1', tags: { mount: '/' } });
    const [fromJson, fromLines] = await expectEventually(
      () => {
        const a = alertsOf(alerts, jsonSeries);
        const b = alertsOf(alerts, lpSeries);
        assert.deepEqual(
          a.map((x) => x.state),
          ['firing', 'resolved'],
        );
        assert.deepEqual(
          b.map((x) => x.state),
          ['firing', 'resolved'],
        );
        return [a, b];
      },
      { timeoutMs: 60_000 },
    );
    const strip = (a: AlertEvent) => ({ ...a, id: '', series: '', host: '', metric: '', influxql: '' });
    assert.deepEqual(fromLines.map(strip), fromJson.map(strip), 'same values, band, score and times');
    assert.equal(fromLines[0]!.tags['mount'], '/');
  });

  it('dead-letters each kind of bad input with its reason and the original bytes, and keeps consuming', async () => {
    const now = Date.now();
    const good = (overrides: Record<string, unknown>) =>
      JSON.stringify({ schema: METRIC_EVENT_SCHEMA, metric: 'bad.input', host: 'h', value: 1, ts: now, ...overrides });
    const bad: Record<string, string> = {
      invalid_json: '{"schema": "tideline.metric/1", "metric": ',
      line_protocol_invalid: 'cpu,host=h usage=not-a-number 1',
      schema_violation: good({ host: 42 }),
      value_not_finite: good({ value: 1 }).replace('"value":1', '"value":1e999'),
      timestamp_out_of_range: good({ ts: now + LIMITS.maxFutureSkewMs + 60_000 }),
      oversized: good({ unit: undefined, tags: { padding: 'x'.repeat(200) } }).padEnd(LIMITS.maxEventBytes + 10, ' '),
      // a line break would end the InfluxDB line and forge a row (and a trailing backslash would eat a separator)
      name_not_writable: good({ metric: 'cpu\nforged,host=x value=1' }),
    };
    await producer.send({ topic: names.metrics, messages: Object.values(bad).map((value) => ({ key: 'bad', value })) });
    await producer.send({ topic: names.metrics, messages: [{ key: 'good', value: good({ metric: 'after.bad' }) }] });

    const dead = await readTopic(kafka, `${names.metrics}.dlq`, { count: Object.keys(bad).length, timeoutMs: 60_000 });
    const byReason = new Map(dead.map((m) => [parseDeadLetter(m)!.reason, parseDeadLetter(m)!] as const));
    assert.deepEqual([...byReason.keys()].sort(), Object.keys(bad).sort());
    for (const [reason, value] of Object.entries(bad)) {
      const letter = byReason.get(reason)!;
      assert.equal(letter.value?.toString('utf8'), value, `${reason}: the original bytes`);
      assert.equal(letter.sourceTopic, names.metrics);
      assert.ok(letter.detail && letter.detail.length > 0, `${reason}: a detail`);
    }
    await expectEventually(async () => {
      assert.equal(
        await metricValue(baseline.url, 'tideline_baseline_records_dead_lettered_total', { reason: 'oversized' }),
        1,
      );
      const after = await influx.query(`SELECT "value" FROM "points" WHERE "metric" = 'after.bad'`);
      assert.equal(after.length, 1, 'the good record after the bad ones is processed');
    });
    // nothing was forged: the only measurements are the ones the services write
    const measurements = await influx.query<{ name: string }>('SHOW MEASUREMENTS');
    assert.deepEqual(
      measurements
        .map((m) => m.name)
        .filter((name) => !['points', 'baseline', 'anomaly_scores', 'alerts'].includes(name)),
      [],
    );
    // the decision stage never sees them: it consumes only what the model stage judged
    assert.equal(await metricValue(anomaly.url, 'tideline_anomaly_records_rejected_total'), 0);
    for (const service of [baseline, anomaly]) assert.equal((await fetch(`${service.url}/health`)).status, 200);
  });
});
