// Oracles: series built from formulas whose crossing time is solved by hand (a line reaches the limit at
// (limit − level) / slope; a line plus a daily sine first reaches it at the first daily peak above the limit); the
// sawtooth test case of the earlier estimator (timeUntilLimit, since removed) with its hand-computed 2,000 minutes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { timeUntilLimitRange } from './time-until-limit-range';
import { mulberry32 } from './mulberry32';

const MIN5 = 300_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-300)) * Math.cos(2 * Math.PI * r());
}

function series(n: number, f: (t: number, i: number) => number) {
  const t = Float64Array.from({ length: n }, (_, i) => i * MIN5);
  return { t, y: Float64Array.from(t, (ms, i) => f(ms, i)) };
}

describe('timeUntilLimitRange', () => {
  it('finds the crossing of a noisy line: +0.5 per hour from 20, a week of data, limit 114 → 20 h after the last point', () => {
    const r = mulberry32(1);
    const { t, y } = series(2016, (ms) => 20 + ms / (2 * HOUR) + 0.3 * gaussian(r));
    const res = timeUntilLimitRange(t, y, 114)!;
    // Last point at 2015·5 min = 167.92 h: the line is at 103.96, 10.04 to go at 0.5 per hour = 20.08 h.
    assert.ok(Math.abs(res.p50Ms / HOUR - 20.08) < 0.5, `p50 ${res.p50Ms / HOUR} h`);
    assert.ok(res.p10Ms <= res.p50Ms && res.p50Ms <= res.p90Ms);
    assert.ok(res.p10Ms / HOUR > 18 && res.p90Ms / HOUR < 23, `range ${res.p10Ms / HOUR}–${res.p90Ms / HOUR} h`);
    assert.equal(res.model, 'linear');
  });

  it('reaches the limit at the first daily peak above it (line + daily sine: crossing at a peak, not at the mean)', () => {
    // 50 + 0.1 per hour + 5·sin(day): the mean crosses 100 at 500 h, but the peaks (+5) cross at 450 h; the first
    // peak time at or after the line reaching 95 is the answer. Ten days of clean data.
    const f = (ms: number) => 50 + (0.1 * ms) / HOUR + 5 * Math.sin((2 * Math.PI * ms) / DAY);
    const { t, y } = series(2880, (ms) => f(ms));
    const last = t[t.length - 1]!;
    let truth = last;
    while (f(truth) < 100) truth += 60_000;
    const res = timeUntilLimitRange(t, y, 100)!;
    assert.ok(Math.abs(res.p50Ms - (truth - last)) < HOUR, `p50 ${res.p50Ms / HOUR} h vs ${(truth - last) / HOUR} h`);
  });

  it('projects the current fill of a sawtooth (disk) series: 40 points to go at 0.1 per 5 minutes = 2,000 minutes', () => {
    const r = mulberry32(2);
    const t: number[] = [];
    const y: number[] = [];
    let ms = 0;
    for (let cycle = 0; cycle < 3; cycle++) {
      const n = cycle < 2 ? 600 : 300;
      for (let i = 0; i < n; i++) {
        t.push((ms += MIN5));
        y.push(20 + i * 0.1 + 0.05 * gaussian(r));
      }
    }
    const res = timeUntilLimitRange(t, y, 90)!;
    assert.equal(res.points, 300);
    assert.ok(Math.abs(res.p50Ms / 60_000 - 2000) < 60, `p50 ${res.p50Ms / 60_000} min`);
  });

  it('handles a series falling towards a lower limit by symmetry (free space heading to 0)', () => {
    const { t, y } = series(1000, (ms) => 80 - ms / HOUR);
    // Last point at 999·5 min = 83.25 h: 80 − 83.25 < 0 already; use a steadier fall of 0.5 per hour instead.
    const slow = Float64Array.from(t, (ms) => 80 - ms / (2 * HOUR));
    const res = timeUntilLimitRange(t, slow, 0)!;
    // 80 − 41.625 = 38.375 to go at 0.5 per hour = 76.75 h.
    assert.ok(Math.abs(res.p50Ms / HOUR - 76.75) < 0.2, `p50 ${res.p50Ms / HOUR} h`);
    assert.ok(y.length === 1000);
  });

  it('says nothing (null) for a flat noisy series, and never orders its range wrongly (property)', () => {
    const r = mulberry32(9);
    const flat = series(1000, () => 50 + gaussian(r));
    assert.equal(timeUntilLimitRange(flat.t, flat.y, 90), null);
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.integer({ min: 50, max: 3000 }),
        (slopePerHour, noise, n) => {
          const rr = mulberry32(n);
          const s = series(n, (ms) => 10 + (slopePerHour * ms) / HOUR + noise * gaussian(rr));
          const res = timeUntilLimitRange(s.t, s.y, 10 + (slopePerHour * n * MIN5) / HOUR + 20);
          if (res === null) return;
          assert.ok(res.p10Ms > 0 && res.p10Ms <= res.p50Ms && res.p50Ms <= res.p90Ms);
        },
      ),
      { numRuns: 25 },
    );
  });
});
