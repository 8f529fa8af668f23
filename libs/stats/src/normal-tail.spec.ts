import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalTail } from './normal-tail';
import { logNormalTail } from './log-normal-tail';
import { normalQuantile } from './normal-quantile';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('normalTail', () => {
  // Expected values: SciPy 1.17 scipy.stats.norm.sf(z).
  const cases: [number, number][] = [
    [0, 0.5],
    [1, 0.15865525393145707],
    [1.959963984540054, 0.025],
    [3, 0.0013498980316300933],
    [5, 2.866515718791933e-7],
    [8, 6.22096057427174e-16],
    [-2, 0.9772498680518208],
  ];
  for (const [z, expected] of cases) {
    it(`matches scipy norm.sf(${z}) to 2e-7 relative`, () => assert.ok(rel(normalTail(z), expected) < 2e-7));
  }
});

describe('logNormalTail', () => {
  // Expected values: SciPy 1.17 scipy.stats.norm.logsf(z).
  const cases: [number, number][] = [
    [0, -0.6931471805599453],
    [2, -3.7831843336820317],
    [10, -53.23128515051248],
    [30, -454.32124395634327],
  ];
  for (const [z, expected] of cases) {
    it(`matches scipy norm.logsf(${z}) to 2e-7 absolute`, () =>
      assert.ok(Math.abs(logNormalTail(z) - expected) < 2e-7));
  }
});

describe('normalQuantile', () => {
  // Expected values: SciPy 1.17 scipy.stats.norm.ppf(p).
  const cases: [number, number][] = [
    [0.001, -3.090232306167813],
    [0.05, -1.6448536269514729],
    [0.5, 0],
    [0.9, 1.2815515655446004],
    [0.975, 1.959963984540054],
    [0.999999, 4.753424308817087],
  ];
  for (const [p, expected] of cases) {
    it(`matches scipy norm.ppf(${p}) to 1e-8`, () => assert.ok(Math.abs(normalQuantile(p) - expected) < 1e-8));
  }
  it('returns NaN outside [0, 1]', () => assert.ok(Number.isNaN(normalQuantile(1.5))));
});
