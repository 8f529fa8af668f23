import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { METRIC_EVENT_SCHEMA, seriesKey, type MetricEvent, type ModelCheckpoint } from '@tideline/contracts';
import { createSeriesModelFactory } from '@tideline/stats';
import { BaselineProcessor, emptyBaselineOutput } from './baseline.processor';
import { ModelStore, type ModelStoreLimits } from './model.store';

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
