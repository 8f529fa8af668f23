// Oracles: split-conformal's finite-sample guarantee (Vovk et al. 2005; Lei et al. 2018: with n exchangeable
// errors, the interval between the order statistics ⌊(n + 1)(1 − c)/2⌋ and ⌈(n + 1)(1 + c)/2⌉ covers a new one
// with probability ≥ c), checked on seeded Gaussian errors; order statistics and the log-lead interpolation are
// worked by hand.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LeadTimeConformal } from './lead-time-conformal';
import { mulberry32 } from './mulberry32';

const MINUTE = 60_000;

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-300)) * Math.cos(2 * Math.PI * r());
}

describe('LeadTimeConformal', () => {
  it('takes the order statistics ⌊(n+1)(1−c)/2⌋ and ⌈(n+1)(1+c)/2⌉ of the kept errors (n = 19, c = 0.8: 2nd and 18th)', () => {
    const c = new LeadTimeConformal({ leadsMs: [MINUTE], minErrors: 1 });
    // Forecast 0 at every minute; the values 1..19 arrive one minute later: errors 1..19.
    for (let i = 0; i <= 19; i++) {
      c.observe(i * MINUTE, i, 0);
      c.probe(i * MINUTE, () => 0);
    }
    const out = { lower: 0, upper: 0 };
    assert.ok(c.interval(MINUTE, 0.8, out));
    assert.deepEqual(out, { lower: 2, upper: 18 });
  });

  it('drops a probe whose target has no point within the tolerance', () => {
    const c = new LeadTimeConformal({ leadsMs: [MINUTE], minErrors: 1 });
    c.probe(0, () => 0);
    c.observe(2 * MINUTE, 5, 30_000); // a minute late: not the value at the target
    assert.deepEqual(c.errorCounts(), [0]);
    assert.equal(c.interval(MINUTE, 0.9, { lower: 0, upper: 0 }), false);
  });

  it('interpolates in log lead time between measured leads and carries the widest interval beyond the longest', () => {
    const c = new LeadTimeConformal({ leadsMs: [MINUTE, 100 * MINUTE], minErrors: 1 });
    // Errors ±1 at one minute and ±3 at 100 minutes.
    for (let i = 0; i < 400; i++) {
      c.observe(i * MINUTE, 0, 0);
      c.probe(i * MINUTE, (t) => (t - i * MINUTE === MINUTE ? (i % 2 ? 1 : -1) : i % 2 ? 3 : -3));
    }
    const out = { lower: 0, upper: 0 };
    c.interval(10 * MINUTE, 0.5, out); // halfway in log lead: ±2
    assert.ok(Math.abs(out.upper - 2) < 1e-12 && Math.abs(out.lower + 2) < 1e-12, JSON.stringify(out));
    c.interval(1000 * MINUTE, 0.5, out);
    assert.deepEqual(out, { lower: -3, upper: 3 });
  });

  it('covers about 90% of new errors at every lead when the errors are exchangeable (seeded Gaussian series)', () => {
    const leads = [1, 2, 4, 8, 16].map((m) => m * MINUTE);
    const c = new LeadTimeConformal({ leadsMs: leads, keep: 500, minErrors: 24 });
    const r = mulberry32(42);
    // White noise forecast by 0: the error at every lead is a standard Gaussian.
    let inside = 0;
    let total = 0;
    const out = { lower: 0, upper: 0 };
    for (let i = 0; i < 3000; i++) {
      c.observe(i * MINUTE, gaussian(r), 0);
      c.probe(i * MINUTE, () => 0);
      if (i < 600) continue;
      for (const lead of leads) {
        assert.ok(c.interval(lead, 0.9, out));
        const e = gaussian(r);
        total++;
        if (e >= out.lower && e <= out.upper) inside++;
      }
    }
    const coverage = inside / total;
    assert.ok(coverage > 0.88 && coverage < 0.92, `coverage ${coverage} over ${total}`);
  });
});
