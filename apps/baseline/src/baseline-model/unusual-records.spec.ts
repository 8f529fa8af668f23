import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMetricRecord, seriesKey } from '@tideline/contracts';
import { createSeriesModelFactory, emptyAssessment } from '@tideline/stats';
import { BaselineProcessor, emptyBaselineOutput } from './baseline.processor';
import { publishedPoints } from '../testing/published-points';
import { ModelStore } from './model.store';

/**
 * The records on whose batch the anomaly consumer once stopped, when it still ran its own model (`Cannot create
 * property '1,1795757603426,…' on number '12.7'`): ordinary collector events of `cpu.load_5m`, the failing one at
 * offset 64 of partition 0. The cause was in the model code of that build, not in the record; these keep the exact
 * bytes going through decode and the model stage (now the baseline service's), as a new series, as the continuation of
 * its history and from a restored snapshot.
 */
const HISTORY: readonly [number, number][] = [
  [11.35, 1795757249548],
  [11.45, 1795757280498],
  [11.86, 1795757343085],
  [12.21, 1795757409047],
  [12.36, 1795757437452],
  [11.93, 1795757490559],
  [12.01, 1795757511925],
  [11.92, 1795757528772],
];
const FAILING =
  '{"schema":"tideline.metric/1","metric":"cpu.load_5m","host":"vm","value":12.7,"ts":1795757603426,"tags":{},"unit":"load","source":"collector"}';
const NOW = 1795757604043;
const empty = { get: () => undefined, has: () => false };

function collectorRecord(value: number, ts: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      schema: 'tideline.metric/1',
      metric: 'cpu.load_5m',
      host: 'vm',
      value,
      ts,
      tags: {},
      unit: 'load',
      source: 'collector',
    }),
  );
}

function pipeline() {
  const models = createSeriesModelFactory('medium');
  const store = new ModelStore(
    () => models,
    empty,
    60_000,
    () => 0,
  );
  const processor = new BaselineProcessor({ writeScores: true, scoreResolutionMs: 0 });
  const feed = (bytes: Buffer) => {
    const decoded = decodeMetricRecord(bytes, { nowMs: NOW, recordTimestampMs: NOW });
    assert.equal(decoded.failure, undefined);
    const out = emptyBaselineOutput();
    for (const event of decoded.events) processor.process(store.entry(0, seriesKey(event), event, NOW), event, out);
    return { ...out, lines: out.lines.take().toLines(), points: publishedPoints(out) };
  };
  return { models, store, feed };
}

describe('unusual records the model stage once stopped on', () => {
  it('scores the exact record as the first point of a new series', () => {
    const { feed } = pipeline();
    const out = feed(Buffer.from(FAILING));
    assert.equal(out.points.length, 1);
    assert.equal(out.points[0]!.value, 12.7);
    assert.match(
      out.lines.find((l) => l.startsWith('anomaly_scores'))!,
      /value=12\.7 1795757603426$/,
    );
  });

  it('scores it after the series history, again after a snapshot round trip, and ignores its redelivery', () => {
    const { models, store, feed } = pipeline();
    for (const [value, ts] of HISTORY) feed(collectorRecord(value, ts));
    const series = 'cpu.load_5m|host=vm';
    const restored = models.restore(store.get(series)!.model.snapshot());
    assert.equal(restored.lastTs, HISTORY[HISTORY.length - 1]![1]);
    const assessment = emptyAssessment();
    restored.assess(1795757603426, 12.7, assessment);
    assert.equal(assessment.learned, true);
    assert.ok(Number.isFinite(assessment.score));
    assert.equal(feed(Buffer.from(FAILING)).points.length, 1);
    assert.equal(feed(Buffer.from(FAILING)).points.length, 0, 'a redelivered point is not judged again');
  });

  it('survives a value at the edge of float64 and tags named like Object.prototype members', () => {
    const { feed } = pipeline();
    for (const [value, ts] of HISTORY) feed(collectorRecord(value, ts));
    for (const out of [feed(collectorRecord(1e308, 1795757603426)), feed(collectorRecord(-1e308, 1795757603427))]) {
      // published (feed encodes and decodes every point, which refuses non-finite numbers) and writable to InfluxDB
      assert.equal(out.points.length, 1);
      for (const line of out.lines) assert.doesNotMatch(line, /Infinity|NaN/, line);
    }
    const out = feed(
      Buffer.from(
        '{"schema":"tideline.metric/1","metric":"m","host":"vm","value":12.7,"ts":1795757603426,"tags":{"constructor":"y","toString":"z"}}',
      ),
    );
    assert.deepEqual(out.points[0]?.tags, { constructor: 'y', toString: 'z' });
    // a "__proto__" tag is refused with its own reason instead of vanishing on the way (libs/contracts)
    const reserved = decodeMetricRecord(
      Buffer.from(
        '{"schema":"tideline.metric/1","metric":"m","host":"vm","value":12.7,"ts":1795757603426,"tags":{"__proto__":"x"}}',
      ),
      { nowMs: NOW },
    );
    assert.equal(reserved.failure?.reason, 'tag_key_reserved');
  });
});
