import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { METRIC_EVENT_SCHEMA, seriesKey, type MetricEvent } from '@tideline/contracts';
import { createSeriesModelFactory } from '@tideline/stats';
import { ScoringProcessor, emptyScoringOutput, takePendingScore } from './scoring.processor';
import { SeriesStore } from './series.store';

const MINUTE = 60_000;
const empty = { get: () => undefined };

function setup(scoreResolutionMs: number) {
  const store = new SeriesStore(createSeriesModelFactory('medium'), { own: empty, baseline: empty }, 60_000, () => 0);
  const processor = new ScoringProcessor({
    policy: { alert: { sensitivity: 'medium' }, criticalScore: 0.8 },
    writeScores: true,
    scoreResolutionMs,
  });
  const event = (i: number, value: number, stepMs = MINUTE): MetricEvent => ({
    schema: METRIC_EVENT_SCHEMA,
    metric: 'cpu',
    host: 'h',
    tags: {},
    value,
    ts: i * stepMs,
  });
  const run = (values: readonly number[], stepMs = MINUTE, start = 0) => {
    const out = emptyScoringOutput();
    values.forEach((v, j) => {
      const i = start + j;
      processor.process(store.entry(0, seriesKey(event(i, v)), event(i, v, stepMs), 0), event(i, v, stepMs), out);
    });
    return out;
  };
  return { store, run };
}

const normal = (n: number) => Array.from({ length: n }, (_, i) => 100 + ((i * 7) % 5) - 2);

describe('ScoringProcessor', () => {
  it('fires once for a spike and resolves when the series is back in its band', () => {
    const { run } = setup(0);
    const out = run([...normal(300), 400, 400, ...normal(20)]);
    assert.deepEqual(
      out.alerts.map((a) => [a.state, a.startedAt / MINUTE]),
      [
        ['firing', 300],
        ['resolved', 300],
      ],
    );
    const [firing, resolved] = out.alerts;
    assert.equal(firing!.value, 400);
    assert.ok(firing!.upper < 400);
    assert.equal(firing!.id, resolved!.id);
    assert.ok(resolved!.resolvedAt! >= 302 * MINUTE);
  });

  it('writes every score at resolution 0, and the best score per window otherwise', () => {
    assert.equal(setup(0).run(normal(100)).scoreLines.length, 100);
    // 1-second points, 10-second windows: one line per closed window
    const { store, run } = setup(10_000);
    const out = run(normal(100), 1000);
    assert.equal(out.scoreLines.length, 9, 'windows 0..8 closed; window 9 is pending');
    const lines: string[] = [];
    for (const entry of store.all()) takePendingScore(entry, lines);
    assert.equal(lines.length, 1);
    assert.match(
      lines[0]!,
      /^anomaly_scores,series=cpu\|host\\=h,host=h,metric=cpu,detector=\w+ score=[\d.e-]+,value=\d+ 9\d{4}$/,
    );
  });

  it('persists the lifecycle with the model when it changes, and the model alone only after the interval', () => {
    const { store, run } = setup(0);
    const out = run([...normal(300), 400]);
    const records = store.takeRecords(out.touched, 1000);
    assert.equal(records.length, 1, 'the firing is persisted at once');
    assert.equal(records[0]!.lifecycle.machine.status, 'firing');
    assert.equal(records[0]!.model?.observations, 301);
    const back = run(normal(5), MINUTE, 301);
    assert.equal(store.takeRecords(back.touched, 2000)[0]?.lifecycle.machine.status, 'ok', 'the resolve, at once');
    const later = run(normal(5), MINUTE, 306);
    assert.equal(store.takeRecords(later.touched, 3000).length, 0, 'model only: not before the interval');
    assert.equal(store.takeRecords(later.touched, 2000 + 60_000).length, 1, 'model only: after the interval');
  });
});
