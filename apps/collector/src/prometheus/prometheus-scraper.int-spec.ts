import assert from 'node:assert/strict';
import { cpus, loadavg } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { decodeMetricEvent, seriesKey, type MetricEvent } from '@tideline/contracts';
import { createKafka } from '@tideline/kafka';
import { BufferedPublisher } from '@tideline/sdk/publishing';
import {
  ensureNodeExporter,
  expectEventually,
  stackFromEnv,
  startNodeExporter,
  uniqueGroup,
  uniqueTopic,
  type NodeExporterProcess,
} from '@tideline/testing';
import { MetricsTopicSink } from '../collection/metrics-topic.sink';
import { PrometheusScraper } from './prometheus-scraper';

const stack = stackFromEnv();

describe('scraping a real node_exporter into the metrics topic of a real Kafka', { timeout: 120_000 }, () => {
  const topic = uniqueTopic('collector-scrape');
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'collector-scrape-int-spec' });
  const received: { key: string; event: MetricEvent }[] = [];
  const consumer = kafka.consumer({ groupId: uniqueGroup('collector-scrape'), maxWaitTimeInMs: 200 });
  let exporter: NodeExporterProcess;
  let publisher: BufferedPublisher;
  let scraper: PrometheusScraper;
  const failures: unknown[] = [];

  before(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
    exporter = await startNodeExporter(ensureNodeExporter((line) => process.stderr.write(`${line}\n`)));
    publisher = new BufferedPublisher(new MetricsTopicSink(kafka, { topic, partitions: 3 }), {
      maxBufferedRecords: 100_000,
      maxBatchRecords: 5000,
    });
    scraper = new PrometheusScraper({
      target: {
        url: exporter.metricsUrl,
        intervalMs: 1000,
        timeoutMs: 5000,
        tags: { job: 'node' },
        metrics: {
          allow: ['node_load1', 'node_cpu_seconds_total', 'node_network_receive_bytes_total', 'go_gc_*'],
          deny: [],
        },
        dropLabels: ['cpu'],
      },
      defaultIntervalMs: 10_000,
      localHost: 'scrape-test-host',
      tags: { env: 'test' },
      publisher,
      onTickError: (error) => failures.push(error),
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const decoded = decodeMetricEvent(message.value ?? new Uint8Array());
        assert.ok(decoded.ok, `the shared decoder accepts every record: ${JSON.stringify(decoded)}`);
        received.push({ key: message.key?.toString() ?? '', event: decoded.value });
      },
    });
    await scraper.start();
  });

  after(async () => {
    await scraper?.stop();
    await publisher?.close(2000);
    await consumer.disconnect();
    await exporter?.stop();
  });

  it('publishes gauges as is, counters as per-second rates (summed over the dropped cpu label) and summaries as quantiles', async () => {
    const find = (metric: string, tags: Record<string, string> = {}) =>
      received.filter(
        ({ event }) => event.metric === metric && Object.entries(tags).every(([k, v]) => event.tags[k] === v),
      );
    // the modes this kernel reports, from node_exporter itself: a scrape is complete when it has a rate for each
    const exposition = await (await fetch(exporter.metricsUrl)).text();
    const modeCount = new Set([...exposition.matchAll(/^node_cpu_seconds_total\{.*mode="(\w+)"/gm)].map((m) => m[1]))
      .size;
    const modes = await expectEventually(
      () => {
        const byTs = new Map<number, { key: string; event: MetricEvent }[]>();
        for (const rate of find('node_cpu_seconds_total.rate')) {
          byTs.set(rate.event.ts, [...(byTs.get(rate.event.ts) ?? []), rate]);
        }
        const complete = [...byTs.values()].find((rates) => rates.length === modeCount);
        assert.ok(complete, `no scrape with the rates of all ${modeCount} modes yet`);
        return complete;
      },
      { timeoutMs: 30_000, message: 'node_cpu_seconds_total.rate per mode' },
    );
    // Oracle: every CPU spends one second per second in some mode, so the rates of all modes (summed over the cpu
    // label, which was dropped) add up to the number of CPUs.
    const total = modes.reduce((sum, { event }) => sum + event.value, 0);
    assert.ok(
      Math.abs(total - cpus().length) < 0.25 * cpus().length,
      `Σ modes ${total} CPU-s/s for ${cpus().length} CPUs`,
    );
    for (const { event, key } of modes) {
      assert.equal(event.tags['cpu'], undefined, 'the cpu label is dropped');
      assert.ok(event.tags['mode'], 'the mode label is a tag');
      assert.equal(event.unit, '1/s');
      assert.equal(key, seriesKey(event), 'keyed by series');
    }

    const [load] = find('node_load1');
    assert.ok(load, 'node_load1 arrived');
    assert.equal(load.event.host, 'scrape-test-host', 'a loopback target is this host');
    assert.deepEqual({ job: load.event.tags['job'], env: load.event.tags['env'] }, { job: 'node', env: 'test' });
    assert.ok(Math.abs(load.event.value - loadavg()[0]!) < 2, `node_load1 ${load.event.value} vs ${loadavg()[0]}`);

    await expectEventually(() =>
      assert.ok(
        find('node_network_receive_bytes_total.rate').some(({ event }) => event.tags['device'] && event.value >= 0),
      ),
    );
    const gc = find('go_gc_duration_seconds.p50');
    assert.ok(
      gc.length > 0 && gc.every(({ event }) => event.value >= 0 && event.value < 1),
      'GC pause median in seconds',
    );
    assert.equal(find('node_memory_MemFree_bytes').length, 0, 'families outside the allow list are not published');
    assert.deepEqual(failures, []);
  });

  it('counts a scrape of an endpoint that is gone as a failed tick and publishes nothing for it', async () => {
    const gone = new PrometheusScraper({
      target: {
        url: 'http://127.0.0.1:9/metrics',
        timeoutMs: 1000,
        tags: {},
        metrics: { allow: [], deny: [] },
        dropLabels: [],
      },
      defaultIntervalMs: 1000,
      localHost: 'scrape-test-host',
      tags: {},
      publisher: { publish: () => assert.fail('nothing is published for a failed scrape') },
    });
    await assert.rejects(gone.scrape(), /ECONNREFUSED/);
  });
});
