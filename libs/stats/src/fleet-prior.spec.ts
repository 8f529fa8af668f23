// Oracles: the geometric mean by hand (exp of the mean of logarithms: exp((ln 2 + ln 8) / 2) = 4); merge equal to
// sequential updates (Chan, Golub & LeVeque 1979) as a property; the rest are behaviours of a new series.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FleetPrior, FLEET_PRIOR_MAX_POINTS } from './fleet-prior';
import { TidelineDetector } from './tideline-detector';
import { mulberry32 } from './mulberry32';

const MIN5 = 300_000;
const T0 = Date.UTC(2024, 0, 1);

function gaussian(r: () => number): number {
  const u = Math.max(r(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

function close(a: number, b: number, tol = 1e-12): void {
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
}

/** A fleet prior taught by `hosts` series of N(50, 5²), 2,000 points each. */
function fleetOfNoise(hosts: number): FleetPrior {
  const fleet = new FleetPrior();
  for (let h = 0; h < hosts; h++) {
    const r = mulberry32(100 + h);
    const d = new TidelineDetector();
    for (let i = 0; i < 2000; i++) d.scoreAndLearn(T0 + i * MIN5, 50 + 5 * gaussian(r));
    assert.ok(fleet.update(d.priorSample()!));
  }
  return fleet;
}

describe('FleetPrior', () => {
  it('is the geometric mean of the contributing series, worth 20 points each and at most 50', () => {
    const fleet = new FleetPrior();
    assert.equal(fleet.prior(), undefined);
    fleet.update({ points: 900, q1: 2, q2: 1, q3: 0.5 });
    fleet.update({ points: 400, q1: 8, q2: 4, q3: 0.5 });
    const p = fleet.prior()!;
    close(p.q1, 4);
    close(p.q2, 2);
    close(p.q3, 0.5);
    assert.equal(p.points, 40);
    for (let i = 0; i < 5; i++) fleet.update({ points: 400, q1: 4, q2: 2, q3: 0.5 });
    assert.equal(fleet.prior()!.points, FLEET_PRIOR_MAX_POINTS);
  });

  it('ignores a sample whose references are not positive numbers', () => {
    const fleet = new FleetPrior();
    assert.equal(fleet.update({ points: 400, q1: 0, q2: 1, q3: 1 }), false);
    assert.equal(fleet.update({ points: 400, q1: NaN, q2: 1, q3: 1 }), false);
    assert.equal(fleet.series, 0);
  });

  it('merges equal to updating with the other fleet’s series, and restores exactly (property)', () => {
    const sample = fc.record({
      points: fc.constant(300),
      q1: fc.double({ min: 0.01, max: 100, noNaN: true }),
      q2: fc.double({ min: 0.01, max: 100, noNaN: true }),
      q3: fc.double({ min: 0.01, max: 100, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 20 }), fc.array(sample, { maxLength: 20 }), (xs, ys) => {
        const a = new FleetPrior();
        const b = new FleetPrior();
        const all = new FleetPrior();
        xs.forEach((x) => (a.update(x), all.update(x)));
        ys.forEach((y) => (b.update(y), all.update(y)));
        a.merge(b);
        assert.equal(a.series, all.series);
        const [pa, pall] = [a.prior(), all.prior()];
        if (pall === undefined) return assert.equal(pa, undefined);
        for (const k of ['q1', 'q2', 'q3'] as const) close(pa![k], pall[k], 1e-9);
        assert.deepEqual(FleetPrior.restore(JSON.parse(JSON.stringify(a.snapshot()))).snapshot(), a.snapshot());
      }),
      { numRuns: 100 },
    );
  });

  it('rejects a snapshot of another version', () => {
    const snap = new FleetPrior().snapshot();
    assert.throws(() => FleetPrior.restore({ ...snap, version: 2 as 1 }), /unsupported/);
  });

  it('lets a new host’s series of a known metric alert on an 8σ spike at its 30th point, which a cold series doubts', () => {
    const fleet = fleetOfNoise(5);
    const run = (primed: boolean) => {
      const r = mulberry32(9);
      const d = new TidelineDetector();
      if (primed) assert.ok(d.applyPrior(fleet.prior()!));
      let alerts = 0;
      for (let i = 0; i < 30; i++) alerts += d.scoreAndLearn(T0 + i * MIN5, 50 + 5 * gaussian(r)) >= 0.5 ? 1 : 0;
      const spike = d.scoreAndLearn(T0 + 30 * MIN5, 90);
      return { alerts, spike, band: d.explain().upper - d.explain().lower };
    };
    const cold = run(false);
    const primed = run(true);
    assert.equal(cold.alerts + primed.alerts, 0, 'neither alerts on the noise before');
    assert.ok(cold.spike < 0.5, `cold ${cold.spike}`);
    assert.ok(primed.spike >= 0.5, `primed ${primed.spike}`);
    assert.ok(primed.band < cold.band, 'the primed band is narrower');
  });

  it('is not applied to a series that has finished its warm-up, nor taught by one that has not learned its own', () => {
    const fleet = fleetOfNoise(1);
    const d = new TidelineDetector();
    for (let i = 0; i < 100; i++) d.scoreAndLearn(T0 + i * MIN5, 50 + (i % 7));
    assert.equal(d.priorSample(), undefined);
    assert.equal(d.applyPrior(fleet.prior()!), false);
  });
});
