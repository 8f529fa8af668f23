// Oracles: the minima are known in closed form (a quadratic bowl; Rosenbrock's function, minimum 0 at (1, 1),
// Rosenbrock 1960); the evaluation budget is the only stopping rule checked besides convergence.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nelderMead } from './nelder-mead';

describe('nelderMead', () => {
  it('finds the minimum (1, −2) of a quadratic bowl', () => {
    const r = nelderMead((x) => (x[0]! - 1) ** 2 + 10 * (x[1]! + 2) ** 2, [0, 0]);
    assert.ok(Math.abs(r.x[0]! - 1) < 1e-4 && Math.abs(r.x[1]! + 2) < 1e-4, `${[...r.x]}`);
  });

  it("finds Rosenbrock's minimum (1, 1) from the classic start (−1.2, 1)", () => {
    const rosen = (x: Float64Array) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;
    const r = nelderMead(rosen, [-1.2, 1], { maxEvaluations: 2000, tolerance: 1e-14 });
    assert.ok(r.value < 1e-8, `f = ${r.value} at ${[...r.x]}`);
  });

  it('treats non-finite values as +∞ and never evaluates more than the budget', () => {
    let calls = 0;
    const r = nelderMead(
      (x) => {
        calls++;
        return x[0]! < 0 ? NaN : (x[0]! - 3) ** 2;
      },
      [1],
      { maxEvaluations: 50 },
    );
    assert.ok(calls <= 51 && r.evaluations === calls);
    assert.ok(Math.abs(r.x[0]! - 3) < 1e-3);
  });
});
