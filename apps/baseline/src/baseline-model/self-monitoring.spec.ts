import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SELF_METRIC_NAMES, decodeBaselineRecord, encodeEvent, type BaselineRecord } from '@tideline/contracts';
import { CardinalityMonitor } from './self-monitoring';

/** A monitor on a hand-driven clock (its timer is stopped: the test calls `tick`), recording what it publishes. */
function monitor(options: { fail?: () => boolean } = {}) {
  let nowMs = 1_000_000;
  const published: BaselineRecord[] = [];
  const errors: unknown[] = [];
  const m = new CardinalityMonitor({
    service: 'baseline',
    consumerGroup: 'g',
    publish: async (record) => {
      if (options.fail?.()) throw new Error('broker down');
      const decoded = decodeBaselineRecord(encodeEvent(record)); // what the anomaly service reads: a valid record
      assert.ok(decoded.ok, JSON.stringify(decoded));
      published.push(decoded.value);
    },
    onError: (error) => errors.push(error),
    intervalMs: 5000,
    calmMs: 20_000,
    now: () => nowMs,
  });
  return { m, published, errors, advance: (ms: number) => (nowMs += ms) };
}

describe('CardinalityMonitor (self-monitoring series of the series caps)', () => {
  it('publishes nothing while nothing is refused', async () => {
    const { m, published } = monitor();
    m.observe(0);
    await m.tick();
    await m.tick();
    m.stop();
    assert.equal(published.length, 0);
  });

  it('publishes the refusals of each interval as a breaching point, then calm points for calmMs, then stops', async () => {
    const { m, published, advance } = monitor();
    m.observe(3); // first refusal: one point at once
    await Promise.resolve();
    m.stop();
    advance(5000);
    m.observe(7);
    await m.tick();
    for (let i = 0; i < 6; i++) {
      advance(5000);
      await m.tick();
    }
    const points = published.map((r) => ({
      value: r.points.value[0],
      score: r.points.score[0],
      band: [r.points.lower[0], r.points.upper[0]],
      ready: r.points.ready[0],
      detector: r.points.detector[0],
    }));
    assert.deepEqual(
      points.map((p) => p.value),
      [3, 4, 0, 0, 0, 0],
      'per interval: 3, then 4 more, then calm until 20 s after the last refusal',
    );
    assert.deepEqual(points[0], { value: 3, score: 1, band: [0, 0], ready: true, detector: 'limit' });
    assert.deepEqual(points[2], { value: 0, score: 0, band: [0, 0], ready: true, detector: 'none' });
    const first = published[0]!;
    assert.equal(first.metric, SELF_METRIC_NAMES.cardinalityExceeded);
    assert.equal(first.series, m.series);
    assert.match(first.series, /^tideline\.cardinality_exceeded\|host=.+\|group=g\|service=baseline$/);
    const ts = published.map((r) => r.points.ts[0]!);
    assert.deepEqual(
      ts.slice(1).map((t, i) => t - ts[i]!),
      [5000, 5000, 5000, 5000, 5000],
    );
  });

  it('carries the refusals of a failed publish into the next point', async () => {
    let failing = true;
    const { m, published, errors, advance } = monitor({ fail: () => failing });
    m.observe(2);
    await Promise.resolve();
    m.stop();
    assert.equal(errors.length, 1);
    failing = false;
    advance(5000);
    m.observe(5);
    await m.tick();
    assert.deepEqual(
      published.map((r) => r.points.value[0]),
      [5],
    );
  });
});
