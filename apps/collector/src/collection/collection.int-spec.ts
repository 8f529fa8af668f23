import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { cpus } from 'node:os';
import { after, describe, it } from 'node:test';
import { logLevel, type Kafka } from 'kafkajs';
import { parseMetricEvent, seriesKey, type MetricEvent } from '@tideline/contracts';
import { createKafka } from '@tideline/kafka';
import { BufferedPublisher, type EncodedRecord } from '@tideline/sdk/publishing';
import { expectEventually, stackFromEnv, uniqueGroup, uniqueTopic } from '@tideline/testing';
import { HostReader } from '../host-sampling/host-reader';
import { HostCollector, type TickReport } from './host-collector';
import { HOST_METRICS } from './host-metrics.mapper';
import { MetricsTopicSink } from './metrics-topic.sink';

const stack = stackFromEnv();
const [brokerHost, brokerPort] = (stack.kafkaBrokers[0] ?? '127.0.0.1:19092').split(':') as [string, string];

/** Reads every record of `topic` into an array (from the beginning) until stopped. */
async function tailTopic(kafka: Kafka, topic: string) {
  const records: { key: string; partition: number; value: string; event: MetricEvent }[] = [];
  const consumer = kafka.consumer({ groupId: uniqueGroup('collector'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const value = message.value?.toString() ?? '';
      records.push({
        key: message.key?.toString() ?? '',
        partition,
        value,
        event: parseMetricEvent(JSON.parse(value)),
      });
    },
  });
  return { records, stop: () => consumer.disconnect() };
}

/** A TCP proxy to the real broker that can be opened late: until then its port refuses connections. */
class LateProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(readonly port: number) {}

  static async reservePort(): Promise<LateProxy> {
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as { port: number }).port;
    probe.close();
    await once(probe, 'close');
    return new LateProxy(port);
  }

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = createConnection({ host: brokerHost, port: Number(brokerPort) });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => socket.destroy());
        socket.on('close', () => this.sockets.delete(socket));
      }
      client.pipe(upstream).pipe(client);
    });
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (this.server) {
      this.server.close();
      await once(this.server, 'close');
    }
  }
}

function startCollector(options: {
  kafka: Kafka;
  topic: string;
  maxBufferedRecords: number;
  published: EncodedRecord[];
  reports: TickReport[];
}) {
  const sink = new MetricsTopicSink(options.kafka, { topic: options.topic, partitions: 3 });
  const publisher = new BufferedPublisher(sink, {
    maxBufferedRecords: options.maxBufferedRecords,
    maxBatchRecords: 50,
    retry: { initialDelayMs: 100, maxDelayMs: 500 },
  });
  const collector = new HostCollector({
    intervalMs: 1000,
    reader: new HostReader(),
    publisher: {
      publish: (records) => {
        options.published.push(...records);
        publisher.publish(records);
      },
    },
    context: { host: 'int-test-host', tags: { suite: 'collector' }, accepts: () => true },
    onTick: (report) => options.reports.push(report),
    onTickError: (error) => {
      throw error;
    },
  });
  return { publisher, collector };
}

describe('collector against the real host and a real Kafka', { timeout: 180_000 }, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it('publishes every promised metric with plausible values, keyed by series', async () => {
    const topic = uniqueTopic('collector');
    const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'collector-int' });
    const published: EncodedRecord[] = [];
    const reports: TickReport[] = [];
    const { publisher, collector } = startCollector({ kafka, topic, maxBufferedRecords: 10_000, published, reports });
    cleanups.push(() => publisher.close(1000));
    await collector.start();
    await expectEventually(() => assert.ok(reports.length >= 3, `${reports.length} ticks`), { timeoutMs: 20_000 });
    await collector.stop();
    assert.equal(await publisher.flush(), true);

    const tail = await tailTopic(kafka, topic);
    cleanups.push(tail.stop);
    await expectEventually(() => assert.equal(tail.records.length, published.length), { timeoutMs: 30_000 });

    const events = tail.records.map((record) => record.event);
    for (const record of tail.records) assert.equal(record.key, seriesKey(record.event), 'keyed by series key');
    const names = new Set(events.map((event) => event.metric));
    for (const metric of Object.values(HOST_METRICS)) assert.ok(names.has(metric.name), `${metric.name} arrived`);

    const all = (metric: string) => events.filter((event) => event.metric === metric);
    const latest = (metric: string) => all(metric).at(-1)!.value;
    for (const metric of ['cpu.usage_percent', 'cpu.core.usage_percent', 'mem.used_percent', 'disk.used_percent']) {
      for (const event of all(metric)) assert.ok(event.value >= 0 && event.value <= 100, `${metric} = ${event.value}`);
    }
    assert.equal(new Set(all('cpu.core.usage_percent').map((event) => event.tags['core'])).size, cpus().length);
    assert.ok(latest('mem.used_bytes') <= latest('mem.total_bytes'));
    assert.ok(latest('mem.available_bytes') <= latest('mem.total_bytes'));
    assert.ok(latest('mem.used_bytes') > 0);
    assert.ok(latest('mem.swap_used_bytes') <= latest('mem.swap_total_bytes'));
    for (const event of all('disk.used_bytes')) {
      const total = all('disk.total_bytes').find((t) => t.tags['mount'] === event.tags['mount'] && t.ts === event.ts);
      assert.ok(total && event.value <= total.value, `disk ${event.tags['mount']}`);
    }
    assert.ok(
      all('disk.used_percent').some((event) => event.tags['mount'] === '/'),
      'the root filesystem is measured',
    );
    for (const metric of [
      'disk.read_bytes_per_sec',
      'disk.write_bytes_per_sec',
      'net.rx_bytes_per_sec',
      'net.tx_bytes_per_sec',
    ]) {
      for (const event of all(metric)) assert.ok(event.value >= 0 && event.value < 100e9, `${metric} = ${event.value}`);
    }
    assert.ok(all('net.rx_bytes_per_sec').some((event) => event.tags['interface'] === 'lo'));
    assert.ok(latest('proc.count') >= 1 && latest('proc.count') < 1_000_000);
    assert.ok(latest('cpu.load_1m') >= 0);
    for (const event of all('collector.cpu_percent')) assert.ok(event.value >= 0 && event.value < 200);
    assert.ok(latest('collector.rss_bytes') > 10e6 && latest('collector.rss_bytes') < 2e9);
    for (const event of events) {
      assert.equal(event.host, 'int-test-host');
      assert.equal(event.tags['suite'], 'collector');
      assert.equal(event.source, 'collector');
    }
    // one tick = one timestamp: the ticks are 1 s apart
    const stamps = [...new Set(events.map((event) => event.ts))].sort((a, b) => a - b);
    assert.equal(stamps.length, reports.length);
    for (let i = 1; i < stamps.length; i++) {
      assert.ok(
        stamps[i]! - stamps[i - 1]! >= 900 && stamps[i]! - stamps[i - 1]! <= 2500,
        `tick gap ${stamps[i]! - stamps[i - 1]!}`,
      );
    }
  });

  it('buffers while Kafka is unreachable and replays everything, in order, once it is reachable', async () => {
    const topic = uniqueTopic('collector-replay');
    const proxy = await LateProxy.reservePort();
    cleanups.push(() => proxy.close());
    // The collector only knows the proxy's port, which refuses connections until the proxy opens.
    const kafka = createKafka(
      { brokers: [`127.0.0.1:${proxy.port}`], clientId: 'collector-replay' },
      {
        retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 300 },
        connectionTimeoutMs: 500,
        // the refused connections are the point of the test: do not log each one
        logLevel: logLevel.NOTHING,
      },
    );
    const published: EncodedRecord[] = [];
    const reports: TickReport[] = [];
    const { publisher, collector } = startCollector({ kafka, topic, maxBufferedRecords: 10_000, published, reports });
    cleanups.push(() => publisher.close(1000));
    await collector.start();
    await expectEventually(
      () => {
        assert.ok(reports.length >= 3, `${reports.length} ticks`);
        assert.ok(publisher.stats().sendFailures >= 2, `${publisher.stats().sendFailures} failed sends`);
      },
      { timeoutMs: 30_000 },
    );
    assert.equal(publisher.stats().published, 0, 'nothing got through while the broker was unreachable');
    assert.ok(publisher.stats().buffered > 0);

    await proxy.open();
    await expectEventually(() => assert.equal(publisher.stats().buffered, 0), { timeoutMs: 60_000 });
    await collector.stop();
    assert.equal(await publisher.flush(), true);
    assert.equal(publisher.stats().dropped, 0);

    const tail = await tailTopic(
      createKafka({ brokers: stack.kafkaBrokers, clientId: 'collector-replay-read' }),
      topic,
    );
    cleanups.push(tail.stop);
    await expectEventually(() => assert.equal(tail.records.length, published.length), { timeoutMs: 30_000 });
    assert.deepEqual(
      new Set(tail.records.map((record) => record.value)),
      new Set(published.map((record) => record.value)),
      'every event of every tick arrived, including those of the ticks before the broker was reachable',
    );
    assertOrderedPerSeries(tail.records);
  });

  it('past the bound drops the oldest events, counts them, and delivers the newest in order', async () => {
    const topic = uniqueTopic('collector-bound');
    const proxy = await LateProxy.reservePort();
    cleanups.push(() => proxy.close());
    const kafka = createKafka(
      { brokers: [`127.0.0.1:${proxy.port}`], clientId: 'collector-bound' },
      {
        retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 300 },
        connectionTimeoutMs: 500,
        // the refused connections are the point of the test: do not log each one
        logLevel: logLevel.NOTHING,
      },
    );
    const published: EncodedRecord[] = [];
    const reports: TickReport[] = [];
    const bound = 100;
    const { publisher, collector } = startCollector({ kafka, topic, maxBufferedRecords: bound, published, reports });
    cleanups.push(() => publisher.close(1000));
    await collector.start();
    await expectEventually(() => assert.ok(published.length >= 3 * bound, `${published.length} events produced`), {
      timeoutMs: 60_000,
    });
    await collector.stop();
    const dropped = publisher.stats().dropped;
    assert.ok(dropped > 0);

    await proxy.open();
    await expectEventually(async () => assert.equal(await publisher.flush(), true), { timeoutMs: 60_000 });
    assert.equal(publisher.stats().dropped, dropped, 'nothing more dropped once sending works');
    assert.equal(publisher.stats().published, published.length - dropped, 'delivered + dropped = produced');

    const tail = await tailTopic(createKafka({ brokers: stack.kafkaBrokers, clientId: 'collector-bound-read' }), topic);
    cleanups.push(tail.stop);
    await expectEventually(() => assert.equal(tail.records.length, published.length - dropped), { timeoutMs: 30_000 });
    assert.deepEqual(
      new Set(tail.records.map((record) => record.value)),
      new Set(published.slice(dropped).map((record) => record.value)),
      'what survived is exactly the newest events',
    );
    assertOrderedPerSeries(tail.records);
  });
});

/** Within a partition, each series' events arrive in time order (the buffer replays oldest first). */
function assertOrderedPerSeries(records: readonly { key: string; partition: number; event: MetricEvent }[]): void {
  const last = new Map<string, number>();
  const partitionOf = new Map<string, number>();
  for (const { key, partition, event } of records) {
    const seen = partitionOf.get(key);
    assert.ok(seen === undefined || seen === partition, `series ${key} stays on one partition`);
    partitionOf.set(key, partition);
    assert.ok((last.get(key) ?? -Infinity) < event.ts, `series ${key} in order`);
    last.set(key, event.ts);
  }
}
