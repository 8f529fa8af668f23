import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  BASELINE_BUNDLE_VERSION,
  METRIC_EVENT_SCHEMA,
  baselinePointsOf,
  decodeBaselineRecords,
  encodeEvent,
  seriesKey,
  type MetricEvent,
} from '@tideline/contracts';
import { partitionOfKey, topicPartitionCount } from '@tideline/kafka';
import { randomSuffix, readTopic } from '@tideline/testing';
import { startBaselineService, type BaselineServiceRun } from '../testing/baseline-service';

const SERIES = 60;
const POINTS = 4;

describe('the judged points of a batch on the baselines topic (real broker, the compiled baseline service)', () => {
  let baseline: BaselineServiceRun;

  before(async () => {
    baseline = await startBaselineService(`bundles-${randomSuffix()}`);
  });

  after(async () => {
    await baseline?.stop();
  });

  it('go out bundled per partition, each series whole, in order, on the partition its key gives', async () => {
    const { kafka, topics } = baseline;
    const nowMs = Date.now();
    const events: MetricEvent[] = [];
    for (let p = 0; p < POINTS; p++)
      for (let s = 0; s < SERIES; s++)
        events.push({
          schema: METRIC_EVENT_SCHEMA,
          metric: 'app.latency_ms',
          host: `web-${s}`,
          tags: { route: s % 2 === 0 ? '/a' : '/b' },
          value: 100 + s + p,
          ts: nowMs - (POINTS - p) * 1000,
        });
    const producer = kafka.producer();
    await producer.connect();
    try {
      // one send: the service takes them in a few batches, each with points of many series
      await producer.send({
        topic: topics.metrics,
        messages: events.map((event) => ({ key: seriesKey(event), value: Buffer.from(encodeEvent(event)) })),
      });
    } finally {
      await producer.disconnect();
    }

    const pointsIn = (messages: readonly { value: Buffer | null }[]) =>
      messages.flatMap((message) => {
        const decoded = decodeBaselineRecords(message.value ?? new Uint8Array());
        assert.ok(decoded.ok, JSON.stringify(decoded));
        return decoded.value.flatMap(baselinePointsOf);
      });
    const messages = await readTopic(kafka, topics.baselines, {
      until: (read) => pointsIn(read).length >= SERIES * POINTS,
      timeoutMs: 60_000,
    });

    const bundles = messages.filter((m) => m.value?.[1] === BASELINE_BUNDLE_VERSION);
    assert.ok(bundles.length > 0, 'no bundle among the records');
    assert.ok(messages.length < SERIES, `${messages.length} Kafka records for ${SERIES * POINTS} points`);
    for (const bundle of bundles) assert.equal(bundle.key, null);

    const partitions = await topicPartitionCount(kafka, topics.baselines);
    const bySeries = new Map<string, number[]>();
    for (const message of messages) {
      const decoded = decodeBaselineRecords(message.value!);
      assert.ok(decoded.ok);
      for (const record of decoded.value) {
        assert.equal(message.partition, partitionOfKey(record.series, partitions), `partition of ${record.series}`);
        bySeries.set(record.series, [...(bySeries.get(record.series) ?? []), ...record.points.ts]);
      }
    }
    assert.equal(bySeries.size, SERIES);
    const expectedTs = Array.from({ length: POINTS }, (_, p) => nowMs - (POINTS - p) * 1000);
    for (const [series, ts] of bySeries) assert.deepEqual(ts, expectedTs, `the points of ${series}, in order`);
  });
});
