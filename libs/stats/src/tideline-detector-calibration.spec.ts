// Calibration and warm-up of the default TidelineDetector. Oracles: SciPy for the Gaussian tails
// (`2 * scipy.stats.norm.sf(4.417173413469)` = 1e-5, `2 * scipy.stats.norm.sf(3)` = 0.0026997960632601866); the rest
// are behaviours a person can check by eye (a spike, a warm-up, white noise).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TidelineDetector } from './tideline-detector';
import { resolveSensitivity } from './resolve-sensitivity';
import { mulberry32 } from './mulberry32';

const MIN5 = 300_000;
const T0 = Date.UTC(2024, 0, 1);

function gaussian(r: () => number): number {
  const u = Math.max(r(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

/** Runs of consecutive points at or above `level` (alerts) in white noise: `series` series of `points` points. */
function whiteNoiseAlerts(level: number, series: number, points: number): number {
  let alerts = 0;
  for (let s = 0; s < series; s++) {
    const r = mulberry32(1000 + s);
    const d = new TidelineDetector();
    let above = false;
    for (let i = 0; i < points; i++) {
      const hit = d.scoreAndLearn(T0 + i * MIN5, 50 + 5 * gaussian(r)) >= level;
      if (hit && !above) alerts++;
      above = hit;
    }
  }
  return alerts;
}

/** White noise N(50, 5²) for `at` points, then `value`; returns the score and explanation of that last point. */
function spikeAt(at: number, sigmas: number) {
  const r = mulberry32(9);
  const d = new TidelineDetector();
  for (let i = 0; i < at; i++) d.scoreAndLearn(T0 + i * MIN5, 50 + 5 * gaussian(r));
  const score = d.scoreAndLearn(T0 + at * MIN5, 50 + 5 * sigmas);
  return { score, explanation: { ...d.explain() } };
}

describe('TidelineDetector calibration and warm-up', () => {
  it('raises at most 0.2 alerts per 1,000 points of Gaussian white noise at medium sensitivity (16 × 21 days at 5 minutes)', () => {
    const points = 16 * 6048;
    const medium = whiteNoiseAlerts(resolveSensitivity('medium').fireLevel, 16, 6048);
    assert.ok((1000 * medium) / points <= 0.2, `${medium} alerts in ${points} points`);
    assert.equal(whiteNoiseAlerts(resolveSensitivity('low').fireLevel, 16, 6048), 0);
  });

  it('alerts on a 6σ spike after warm-up and says how improbable it is under the model', () => {
    const { score, explanation } = spikeAt(1000, 6);
    assert.ok(score >= 0.5, `score ${score}`);
    assert.ok(explanation.alert);
    assert.ok(explanation.tailProbability <= 1e-5, `tail probability ${explanation.tailProbability}`);
    assert.ok(explanation.value > explanation.upper);
  });

  it('stays quiet on the same 6σ spike in its first 30 points, with a band half again as wide, but alerts on a 12σ one', () => {
    const early = spikeAt(30, 6);
    const late = spikeAt(1000, 6);
    assert.ok(early.score < 0.5, `score ${early.score}`);
    const width = (e: { upper: number; lower: number }) => e.upper - e.lower;
    assert.ok(width(early.explanation) > 1.5 * width(late.explanation), 'the warm-up band is wider');
    assert.ok(spikeAt(30, 12).score >= 0.5, 'an extreme deviation alerts even in warm-up');
  });

  it('gives every point, quiet or not, a tail probability in (0, 1] as evidence, far below 3σ for the spike', () => {
    const { explanation } = spikeAt(1000, 6);
    const d = new TidelineDetector();
    const r = mulberry32(9);
    for (let i = 0; i < 1000; i++) d.scoreAndLearn(T0 + i * MIN5, 50 + 5 * gaussian(r));
    const quiet = d.explain();
    assert.ok(quiet.tailProbability > 0 && quiet.tailProbability <= 1);
    assert.ok(quiet.tailProbability > explanation.tailProbability);
    assert.equal(explanation.detector, 'new_high');
    assert.ok(explanation.tailProbability < 0.0026997960632601866 / 100, 'a hundred times rarer than 3σ');
  });
});
