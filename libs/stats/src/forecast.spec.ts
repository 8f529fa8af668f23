import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TidelineDetector } from './tideline-detector';
import { forecast } from './forecast';
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
