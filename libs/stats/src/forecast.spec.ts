import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TidelineDetector } from './tideline-detector';
import { forecast } from './forecast';
import { timeUntilLimit } from './time-until-limit';
import { mulberry32 as rng } from './mulberry32';

const MIN5 = 300_000;

const gaussian = (r: () => number) => Math.sqrt(-2 * Math.log(r() + 1e-300)) * Math.cos(2 * Math.PI * r());

describe('forecast', () => {
  it('covers about 90% of a daily-seasonal noisy series one day ahead', () => {
    const r = rng(11);
    const f = (i: number) => 100 + 30 * Math.sin((2 * Math.PI * i) / 288);
    const d = new TidelineDetector();
    let inside = 0;
    let total = 0;
    for (let origin = 288 * 8; origin <= 288 * 12; origin += 288) {
      const det = new TidelineDetector();
      const r2 = rng(origin);
      for (let i = 0; i < origin; i++) det.scoreAndLearn(i * MIN5, f(i) + 4 * gaussian(r2));
      const fc = forecast(det, 288);
      assert.equal(fc.length, 288);
      fc.forEach((p, h) => {
        const actual = f(origin + h + 1) + 4 * gaussian(r2);
        total++;
        if (actual >= p.lower90 && actual <= p.upper90) inside++;
      });
    }
    d.scoreAndLearn(0, gaussian(r));
    const coverage = inside / total;
    assert.ok(coverage > 0.8 && coverage < 0.99, `coverage ${coverage}`);
  });

  it('forecasts up to a time', () => {
    const d = new TidelineDetector();
    for (let i = 0; i < 100; i++) d.scoreAndLearn(i * MIN5, 5);
    const fc = forecast(d, { untilMs: 110 * MIN5 });
    assert.equal(fc.length, 11);
    assert.equal(fc[10]!.t, 110 * MIN5);
  });
});

describe('timeUntilLimit', () => {
  it('projects on the current fill of a sawtooth (disk) series', () => {
    const d = new TidelineDetector();
    let t = 0;
    const r = rng(2);
    // Three fill cycles: from 20% up at 0.1%/5 min, cleanup back to 20%; the current fill is at 50%.
    for (let cycle = 0; cycle < 3; cycle++) {
      const n = cycle < 2 ? 600 : 300;
      for (let i = 0; i < n; i++) d.scoreAndLearn((t += MIN5), 20 + i * 0.1 + 0.05 * gaussian(r));
    }
    const res = timeUntilLimit(d, 90);
    assert.ok(res !== null);
    // 40 points to go at 0.1 per 5 minutes = 400 steps = 2,000 minutes.
    const minutes = res.p50Ms / 60_000;
    assert.ok(Math.abs(minutes - 2000) < 60, `p50 ${minutes} min`);
    assert.ok(res.p90Ms >= res.p50Ms);
  });

  it('returns null when the series is not heading towards the limit', () => {
    const d = new TidelineDetector();
    const r = rng(9);
    for (let i = 0; i < 500; i++) d.scoreAndLearn(i * MIN5, 50 + gaussian(r));
    assert.equal(timeUntilLimit(d, 90), null);
  });
});
