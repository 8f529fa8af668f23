import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  PeriodicExportingMetricReader,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { parseMetricEvent, seriesKey, type MetricEvent } from '@tideline/contracts';
import { BufferedPublisher, type EncodedRecord } from '../publishing/buffered-publisher';
import { resourceMetricsToEvents, type PointContext } from './metric-data-to-events';
import { TidelineMetricExporter } from './tideline-metric-exporter';

const context: PointContext = { host: 'app-1', service: 'checkout', version: '1.4.2', tags: { region: 'eu' } };
const descriptor = (name: string, unit = '') => ({ name, unit, description: '', valueType: 1 });
const T0: [number, number] = [1_700_000_000, 0];
const T10: [number, number] = [1_700_000_010, 500_000_000];

function collection(...metrics: MetricData[]): ResourceMetrics {
  return { resource: resourceFromAttributes({}), scopeMetrics: [{ scope: { name: 'test' }, metrics }] };
}

const byMetric = (events: readonly MetricEvent[]) => new Map(events.map((event) => [event.metric, event]));

describe('resourceMetricsToEvents', () => {
  it('turns a delta counter into <name>.rate per second over the point interval', () => {
    const { events } = resourceMetricsToEvents(
      collection({
        descriptor: descriptor('orders', '{order}'),
        aggregationTemporality: AggregationTemporality.DELTA,
        dataPointType: DataPointType.SUM,
        isMonotonic: true,
        dataPoints: [{ startTime: T0, endTime: T10, attributes: { channel: 'web' }, value: 21 }],
      }),
      context,
    );
    assert.deepEqual(events, [
      {
        schema: 'tideline.metric/1',
        metric: 'orders.rate',
        host: 'app-1',
        value: 2,
        ts: 1_700_000_010_500,
        tags: { region: 'eu', channel: 'web', service: 'checkout', version: '1.4.2' },
        unit: '{order}/s',
        source: 'sdk',
      },
    ]);
  });

  it('passes gauges and up-down counters through as <name>', () => {
    const { events } = resourceMetricsToEvents(
      collection(
        {
          descriptor: descriptor('queue.depth'),
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPointType: DataPointType.SUM,
          isMonotonic: false,
          dataPoints: [{ startTime: T0, endTime: T10, attributes: {}, value: -3 }],
        },
        {
          descriptor: descriptor('temperature', 'Cel'),
          aggregationTemporality: AggregationTemporality.DELTA,
          dataPointType: DataPointType.GAUGE,
          dataPoints: [{ startTime: T0, endTime: T10, attributes: {}, value: 21.5 }],
        },
      ),
      context,
    );
    assert.deepEqual(
      events.map((event) => [event.metric, event.value, event.unit]),
      [
        ['queue.depth', -3, undefined],
        ['temperature', 21.5, 'Cel'],
      ],
    );
  });

  it('summarises a histogram as count, mean, max, p50, p95 and p99, and skips an empty one', () => {
    const { events } = resourceMetricsToEvents(
      collection({
        descriptor: descriptor('db.query', 'ms'),
        aggregationTemporality: AggregationTemporality.DELTA,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: [
          {
            startTime: T0,
            endTime: T10,
            attributes: { table: 'orders' },
            value: {
              buckets: { boundaries: [10, 100], counts: [50, 40, 10] },
              count: 100,
              sum: 3000,
              min: 1,
              max: 400,
            },
          },
          {
            startTime: T0,
            endTime: T10,
            attributes: { table: 'empty' },
            value: { buckets: { boundaries: [10, 100], counts: [0, 0, 0] }, count: 0, sum: 0 },
          },
        ],
      }),
      context,
    );
    const metrics = byMetric(events);
    assert.deepEqual(
      [...metrics.keys()],
      ['db.query.count', 'db.query.mean', 'db.query.max', 'db.query.p50', 'db.query.p95', 'db.query.p99'],
    );
    assert.equal(metrics.get('db.query.count')?.value, 100);
    assert.equal(metrics.get('db.query.count')?.unit, undefined);
    assert.equal(metrics.get('db.query.mean')?.value, 30);
    assert.equal(metrics.get('db.query.max')?.value, 400);
    assert.equal(metrics.get('db.query.p50')?.value, 10);
    assert.equal(metrics.get('db.query.p95')?.value, 250); // 100 + 300·5/10
    assert.equal(metrics.get('db.query.p95')?.unit, 'ms');
    for (const event of events) assert.equal(event.tags['table'], 'orders');
  });

  it('always tags service and version (they win over attributes), stringifies attribute values', () => {
    const { events } = resourceMetricsToEvents(
      collection({
        descriptor: descriptor('g'),
        aggregationTemporality: AggregationTemporality.DELTA,
        dataPointType: DataPointType.GAUGE,
        dataPoints: [
          {
            startTime: T0,
            endTime: T10,
            attributes: { service: 'spoofed', ok: true, code: 404, list: ['a', 'b'], empty: '', __proto__x: 'y' },
            value: 1,
          },
        ],
      }),
      context,
    );
    assert.deepEqual(events[0]?.tags, {
      region: 'eu',
      service: 'checkout',
      ok: 'true',
      code: '404',
      list: 'a,b',
      __proto__x: 'y',
      version: '1.4.2',
    });
  });

  it('rejects, and reports, a point that cannot be a valid metric event (non-finite value, too-long tag)', () => {
    const { events, rejected } = resourceMetricsToEvents(
      collection({
        descriptor: descriptor('g'),
        aggregationTemporality: AggregationTemporality.DELTA,
        dataPointType: DataPointType.GAUGE,
        dataPoints: [
          { startTime: T0, endTime: T10, attributes: {}, value: Number.NaN },
          { startTime: T0, endTime: T10, attributes: { long: 'x'.repeat(300) }, value: 1 },
          { startTime: T0, endTime: T10, attributes: {}, value: 2 },
        ],
      }),
      context,
    );
    assert.deepEqual(
      events.map((event) => event.value),
      [2],
    );
    assert.equal(rejected.length, 2);
    assert.match(rejected[0]!.reason, /value/);
  });
});

describe('TidelineMetricExporter with the OpenTelemetry SDK', () => {
  it('exports delta counters, exponential histograms and cumulative up-down counters as keyed metric events', async () => {
    const sent: EncodedRecord[] = [];
    const publisher = new BufferedPublisher(
      { send: async (records) => void sent.push(...records) },
      { maxBufferedRecords: 1000, maxBatchRecords: 100 },
    );
    const exporter = new TidelineMetricExporter(publisher, context);
    const provider = new MeterProvider({
      readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })],
    });
    const meter = provider.getMeter('test');
    const counter = meter.createCounter('jobs');
    const histogram = meter.createHistogram('job.duration', { unit: 'ms' });
    const inFlight = meter.createUpDownCounter('jobs.in_flight');
    for (let i = 1; i <= 100; i++) histogram.record(i, { queue: 'q1' });
    counter.add(5, { queue: 'q1' });
    inFlight.add(3);
    await provider.forceFlush();
    await publisher.flush();
    counter.add(1, { queue: 'q1' });
    inFlight.add(-1);
    await provider.forceFlush();
    await publisher.flush();
    await provider.shutdown();

    const events = sent.map((record) => {
      const event = parseMetricEvent(JSON.parse(record.value));
      assert.equal(record.key, seriesKey(event), 'keyed by series');
      return event;
    });
    const p99 = events.find((event) => event.metric === 'job.duration.p99');
    assert.ok(p99 && Math.abs(p99.value - 99) / 99 < 0.05, `p99 ${p99?.value}`);
    assert.equal(events.filter((event) => event.metric === 'job.duration.count').length, 1, 'delta: no empty interval');
    const rates = events.filter((event) => event.metric === 'jobs.rate');
    assert.equal(rates.length, 2);
    const levels = events.filter((event) => event.metric === 'jobs.in_flight').map((event) => event.value);
    // the third is shutdown's final collection
    assert.deepEqual(levels, [3, 2, 2], 'up-down counters stay cumulative levels');
    for (const event of events) {
      assert.equal(event.tags['service'], 'checkout');
      assert.equal(event.tags['version'], '1.4.2');
      assert.equal(event.source, 'sdk');
    }
  });
});
