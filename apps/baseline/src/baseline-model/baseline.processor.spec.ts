import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MEASUREMENT_FIELDS,
  MEASUREMENT_TAGS,
  METRIC_EVENT_SCHEMA,
  fieldTypesOf,
  lineShape,
  seriesKey,
  type MetricEvent,
} from '@tideline/contracts';
import {
  createSeriesModelFactory,
  type PointAssessment,
  type SeriesModel,
  type SeriesModelFactory,
} from '@tideline/stats';
import { LineBytes } from '@tideline/influx';
import { BaselineProcessor, emptyBaselineOutput, takePendingScore } from './baseline.processor';
import { publishedPoints } from '../testing/published-points';
import { ModelStore } from './model.store';

const MINUTE = 60_000;
const empty = { get: () => undefined, has: () => false };

function setup(scoreResolutionMs: number, sensitivity: 'low' | 'medium' | 'high' = 'medium') {
  const models = createSeriesModelFactory(sensitivity);
  const store = new ModelStore(
    () => models,
    empty,
    60_000,
    () => 0,
  );
  const processor = new BaselineProcessor({ writeScores: true, scoreResolutionMs });
  const event = (i: number, value: number, stepMs = MINUTE): MetricEvent => ({
    schema: METRIC_EVENT_SCHEMA,
    metric: 'cpu',
    host: 'h',
    tags: { core: '0' },
    value,
    ts: i * stepMs,
  });
  const run = (values: readonly number[], stepMs = MINUTE, start = 0) => {
    const out = emptyBaselineOutput();
    values.forEach((v, j) => {
      const e = event(start + j, v, stepMs);
      processor.process(store.entry(0, seriesKey(e), e, 0), e, out);
    });
    // the one series' judged points, in order, as published (valid tideline.baseline/3 records)
    return { ...out, lines: out.lines.take().toLines(), points: publishedPoints(out) };
  };
  return { store, run };
}

const normal = (n: number) => Array.from({ length: n }, (_, i) => 100 + ((i * 7) % 5) - 2);

describe('BaselineProcessor (the model stage)', () => {
  it("copies the detector's tail probability into the judged point's evidence when the model reports one in [0, 1]", () => {
    const judged = (tail: number) => {
      const base = createSeriesModelFactory('medium');
      const reporting: SeriesModelFactory = {
        kind: base.kind,
        restore: (bytes) => base.restore(bytes),
        create: () => {
          const model = base.create();
          return Object.assign(Object.create(model) as SeriesModel, {
            assess(ts: number, value: number, out: PointAssessment) {
              model.assess(ts, value, out);
              Object.assign(out, { tailProbability: tail });
            },
          });
        },
      };
      const store = new ModelStore(
        () => reporting,
        empty,
        60_000,
        () => 0,
      );
      const out = emptyBaselineOutput();
      const e: MetricEvent = { schema: METRIC_EVENT_SCHEMA, metric: 'cpu', host: 'h', tags: {}, value: 1, ts: 0 };
      new BaselineProcessor({ writeScores: false, scoreResolutionMs: 0 }).process(
        store.entry(0, seriesKey(e), e, 0),
        e,
        out,
      );
      return publishedPoints(out)[0]!.evidence;
    };
    assert.equal(judged(2.5e-7).tailProbability, 2.5e-7);
    assert.equal('tailProbability' in judged(1.5), false);
  });

  it('publishes every learned point judged before learning it, per series in stream order, as a valid tideline.baseline/3 record', () => {
    const out = setup(0).run([...normal(300), 400]);
    assert.equal(out.points.length, 301);
    out.points.forEach((p, i) => assert.equal(p.ts, i * MINUTE));
    const spike = out.points[300]!;
    assert.deepEqual(
      [spike.series, spike.host, spike.metric, spike.tags],
      ['cpu|host=h|core=0', 'h', 'cpu', { core: '0' }],
    );
    assert.equal(spike.ready, true);
    assert.ok(spike.score >= 0.5, `spike score ${spike.score}`);
    assert.ok(spike.upper < 400, 'the band is the one learned before the spike');
    assert.equal(spike.evidence.observations, 300);
    assert.equal(out.points[0]!.ready, false);
  });

  it('writes the band it publishes: the baseline line of a point carries the same expected, lower and upper', () => {
    const out = setup(0).run(normal(300));
    const last = out.points[299]!;
    const line = out.lines.find((l) => l.startsWith('baseline,') && l.endsWith(` ${last.ts}`));
    assert.equal(line?.split(' ')[1], `expected=${last.expected},lower=${last.lower},upper=${last.upper}`);
  });

  it('draws the band at the sensitivity of the series: wider at low than at high, same expected value', () => {
    const low = setup(0, 'low').run(normal(300)).points[299]!;
    const high = setup(0, 'high').run(normal(300)).points[299]!;
    assert.equal(low.expected, high.expected);
    assert.ok(low.upper - low.lower > high.upper - high.lower);
  });

  it('does not judge a redelivered point again (nothing published), but writes its raw point again (idempotent)', () => {
    const { run } = setup(0);
    assert.equal(run(normal(10)).notLearned, 0);
    const again = run([normal(10)[9]!], MINUTE, 9);
    assert.equal(again.points.length, 0);
    assert.equal(again.notLearned, 1, 'counted, for tideline_baseline_events_not_learned_total');
    assert.deepEqual(
      again.lines.map((l) => l.split(',')[0]),
      ['points'],
    );
  });

  it('writes every score at resolution 0, and the best score per window otherwise', () => {
    const scores = (out: { lines: string[] }) => out.lines.filter((l) => l.startsWith('anomaly_scores,'));
    assert.equal(scores(setup(0).run(normal(100))).length, 100);
    // 1-second points, 10-second windows: one line per closed window
    const { store, run } = setup(10_000);
    assert.equal(scores(run(normal(100), 1000)).length, 9, 'windows 0..8 closed; window 9 is pending');
    const pending = new LineBytes();
    for (const entry of store.all()) takePendingScore(entry, pending);
    const lines = pending.take().toLines();
    assert.equal(lines.length, 1);
    assert.match(
      lines[0]!,
      /^anomaly_scores,series=cpu\|host\\=h\|core\\=0,host=h,metric=cpu,detector=\w+ score=[\d.e-]+,value=\d+ 9\d{4}$/,
    );
  });

  it('writes exactly the fields and tags libs/contracts declares for points, baseline and anomaly_scores (what the reporter reads)', () => {
    const lines = setup(0)
      .run([...normal(300), 400])
      .lines.map(lineShape);
    for (const measurement of ['points', 'baseline', 'anomaly_scores'] as const) {
      const mine = lines.filter((l) => l.measurement === measurement);
      assert.ok(mine.length > 0, measurement);
      for (const line of mine) {
        assert.deepEqual(fieldTypesOf(line), MEASUREMENT_FIELDS[measurement], measurement);
        // points also carry the event's own tags (here core)
        const own = measurement === 'points' ? ['core'] : [];
        assert.deepEqual(Object.keys(line.tags).sort(), [...MEASUREMENT_TAGS[measurement], ...own].sort(), measurement);
      }
    }
  });
});
