import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { alertingSectionSchema } from '@tideline/config';
import {
  MEASUREMENTS,
  METRIC_EVENT_SCHEMA,
  escapeTagValue,
  seriesKey,
  type MetricEvent,
  type ModelCheckpoint,
} from '@tideline/contracts';
import { TrendBucket, TrendSummary, createSeriesModelFactory } from '@tideline/stats';
import { BaselineProcessor, emptyBaselineOutput } from './baseline.processor';
import { ModelStore, type ModelStoreLimits } from './model.store';
import { SeriesPolicies } from './series-policies';

const MINUTE = 60_000;
const models = createSeriesModelFactory('medium');

function setup(limits: ModelStoreLimits, intervalMs = 60_000) {
  const table = new Map<string, ModelCheckpoint>();
  const store = new ModelStore(
    () => models,
    table,
    intervalMs,
    () => 0,
    limits,
  );
  const processor = new BaselineProcessor({ writeScores: true, scoreResolutionMs: 0 });
  const event = (host: string, metric: string, i: number): MetricEvent => ({
    schema: METRIC_EVENT_SCHEMA,
    metric,
    host,
    tags: {},
    value: 100 + ((i * 7) % 5),
    ts: i * MINUTE,
  });
  /** Learns points `from..to-1` of a series at processing time `nowMs`. */
  const learn = (host: string, metric: string, from: number, to: number, nowMs: number, partition = 0) => {
    const out = emptyBaselineOutput();
    for (let i = from; i < to; i++) {
      const e = event(host, metric, i);
      processor.process(store.entry(partition, seriesKey(e), e, nowMs), e, out);
    }
    return out;
  };
  return { store, table, learn, event };
}

describe('ModelStore limits (memory bound and series caps)', () => {
  it('evicts the least recently used model beyond maxSeriesInMemory and restores it from its eviction checkpoint, before and after that checkpoint is published', () => {
    const { store, table, learn } = setup({ maxSeriesInMemory: 2 });
    learn('h', 'a', 0, 50, 0);
    learn('h', 'b', 0, 50, 1);
    learn('h', 'c', 0, 50, 2); // a leaves memory
    assert.equal(store.stats().series, 2);
    assert.equal(store.stats().evictedLru, 1);
    const evicted = store.takeEvicted();
    assert.deepEqual(
      evicted.checkpoints.map((c) => [c.series, c.observations]),
      [[seriesKey({ metric: 'a', host: 'h', tags: {} }), 50]],
    );
    assert.equal(table.size, 0, 'nothing is in the table before it is published');
    store.evictedPublished(evicted.checkpoints);
    assert.equal(table.size, 1);
    // a comes back (b leaves): it goes on from 50 observations, not from scratch
    learn('h', 'a', 50, 51, 3);
    const a = store.get(seriesKey({ metric: 'a', host: 'h', tags: {} }))!;
    assert.equal(a.model.observations, 51);
    assert.equal(store.stats().restored, 1);
    // b comes back before its eviction checkpoint is published: restored from that one, and due for a checkpoint
    learn('h', 'b', 50, 51, 4);
    const b = store.get(seriesKey({ metric: 'b', host: 'h', tags: {} }))!;
    assert.equal(b.model.observations, 51);
  });

  it('evicts models idle for idleEvictionMs with their checkpoint, and drops unpublished ones with their partition', () => {
    const { store, learn } = setup({ idleEvictionMs: 10 * MINUTE });
    learn('h', 'a', 0, 20, 0, 0);
    learn('h', 'b', 0, 20, 5 * MINUTE, 1);
    assert.equal(store.evictIdle(10 * MINUTE - 1), 0);
    assert.equal(store.evictIdle(10 * MINUTE), 1);
    assert.equal(store.takeEvicted().checkpoints.length, 1);
    store.partitions.dropPartition(0); // a failed batch of a's partition: its unpublished checkpoint is stale
    assert.equal(store.takeEvicted().checkpoints.length, 0);
    learn('h', 'a', 20, 21, 11 * MINUTE, 0);
    assert.equal(store.get(seriesKey({ metric: 'a', host: 'h', tags: {} }))!.model.observations, 1, 'from scratch');
  });

  it('refuses a new series beyond maxActiveSeries or maxSeriesPerHost, and admits series it knows', () => {
    const { store, table, learn, event } = setup({ maxActiveSeries: 3, maxSeriesPerHost: 2, maxSeriesInMemory: 3 });
    learn('h1', 'a', 0, 1, 0);
    learn('h1', 'b', 0, 1, 0);
    const refusedHost = store.admit(seriesKey(event('h1', 'c', 0)), event('h1', 'c', 0));
    assert.deepEqual(refusedHost, { cap: 'maxSeriesPerHost', limit: 2 });
    assert.equal(store.admit(seriesKey(event('h2', 'c', 0)), event('h2', 'c', 0)), undefined);
    learn('h2', 'c', 0, 1, 0);
    assert.deepEqual(store.admit(seriesKey(event('h3', 'd', 0)), event('h3', 'd', 0)), {
      cap: 'maxActiveSeries',
      limit: 3,
    });
    assert.equal(store.admit(seriesKey(event('h1', 'a', 0)), event('h1', 'a', 0)), undefined, 'in memory');
    table.set(seriesKey(event('h3', 'd', 0)), {} as ModelCheckpoint);
    assert.equal(store.admit(seriesKey(event('h3', 'd', 0)), event('h3', 'd', 0)), undefined, 'has a checkpoint');
    assert.equal(store.stats().refused, 2);
    // an idle series leaving memory frees its place (and its host's)
    store.partitions.dropPartition(0);
    assert.equal(store.admit(seriesKey(event('h1', 'e', 0)), event('h1', 'e', 0)), undefined);
  });
});

describe('ModelStore trend summaries (the state the reporter projects from)', () => {
  const DISK = 'disk.used_percent';
  const policies = new SeriesPolicies(alertingSectionSchema.parse({}), [{ metric: 'disk.*' }]);
  const fill = (i: number): number => 40 + i / 30 + ((i * 7) % 5) / 10;

  function run(table: Map<string, ModelCheckpoint>) {
    const store = new ModelStore(
      (e) => policies.modelsFor(e),
      table,
      0,
      () => 0,
      {},
      (e) => policies.keepsTrend(e),
    );
    const processor = new BaselineProcessor({ writeScores: false, scoreResolutionMs: 0 });
    /** Learns minutes `from..to-1` of `metric` on h; returns its trend_buckets lines and checkpoints the store. */
    return (metric: string, from: number, to: number): string[] => {
      const out = emptyBaselineOutput();
      for (let i = from; i < to; i++) {
        const e: MetricEvent = {
          schema: METRIC_EVENT_SCHEMA,
          metric,
          host: 'h',
          tags: {},
          value: fill(i),
          ts: i * MINUTE,
        };
        processor.process(store.entry(0, seriesKey(e), e, i * MINUTE), e, out);
      }
      for (const c of store.takeCheckpoints(store.all(), to * MINUTE)) table.set(c.series, c);
      return out.lines
        .take()
        .toLines()
        .filter((l) => l.startsWith(`${MEASUREMENTS.trendBuckets},`));
    };
  }

  it('writes each closed half hour of a series with a limit to trend_buckets, the means TrendSummary keeps for its points', () => {
    const table = new Map<string, ModelCheckpoint>();
    const lines = run(table)(DISK, 0, 100);
    const oracle = new TrendSummary();
    for (let i = 0; i < 100; i++) oracle.update(i * MINUTE, fill(i));
    const complete = oracle.complete(90 * MINUTE); // the half hours a later point has closed
    assert.deepEqual(
      lines,
      [...complete.starts].map(
        (start, k) =>
          `trend_buckets,series=${escapeTagValue(`${DISK}|host=h`)},host=h,metric=${DISK} mean=${complete.values[k]},count=30i ${start}`,
      ),
    );
    assert.equal(lines.length, 3);
  });

  it('keeps no trend for a series without a limit: no rows, no trend in its checkpoint', () => {
    const table = new Map<string, ModelCheckpoint>();
    assert.deepEqual(run(table)('cpu.total', 0, 100), []);
    const checkpoint = table.get(seriesKey({ metric: 'cpu.total', host: 'h', tags: {} }))!;
    assert.equal(checkpoint.trend, undefined);
  });

  it('snapshots the open half hour in the model checkpoint and restores it exactly: a restart mid-bucket writes the same rows', () => {
    const straight = run(new Map())(DISK, 0, 200);
    const table = new Map<string, ModelCheckpoint>();
    const before = run(table)(DISK, 0, 45); // checkpointed at minute 45, half way through a bucket
    const after = run(table)(DISK, 45, 200); // a new store: restored from that checkpoint
    assert.deepEqual([...before, ...after], straight);
    assert.equal(straight.length, 6);
  });

  it('writes no trend row for a half hour whose mean is beyond float32 (no Infinity in line protocol)', () => {
    const store = new ModelStore(
      (e) => policies.modelsFor(e),
      new Map(),
      0,
      () => 0,
      {},
      (e) => policies.keepsTrend(e),
    );
    const processor = new BaselineProcessor({ writeScores: false, scoreResolutionMs: 0 });
    const out = emptyBaselineOutput();
    for (let i = 0; i < 90; i++) {
      const value = i < 30 ? 1e300 : 50;
      const e: MetricEvent = { schema: METRIC_EVENT_SCHEMA, metric: DISK, host: 'h', tags: {}, value, ts: i * MINUTE };
      processor.process(store.entry(0, seriesKey(e), e, i * MINUTE), e, out);
    }
    const rows = out.lines
      .take()
      .toLines()
      .filter((l) => l.startsWith(`${MEASUREMENTS.trendBuckets},`));
    assert.equal(rows.length, 1, rows.join('\n'));
    assert.match(rows[0]!, / mean=50,count=30i 1800000$/);
  });

  it("keeps a projected series' checkpoint within the 8 KiB per-series budget: the detector plus a 32-byte trend", () => {
    const table = new Map<string, ModelCheckpoint>();
    run(table)(DISK, 0, 3000);
    const checkpoint = table.get(seriesKey({ metric: DISK, host: 'h', tags: {} }))!;
    const trendBytes = Buffer.from(checkpoint.trend!, 'base64').byteLength;
    assert.equal(trendBytes, 32);
    assert.equal(TrendBucket.stateBytes, 24);
    assert.ok(Buffer.from(checkpoint.state, 'base64').byteLength + trendBytes <= 8192);
  });
});
