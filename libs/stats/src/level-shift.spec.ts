import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectLevelShift } from './level-shift';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 16, 8);
const daily = (values: number[], start = T0 - 7 * DAY) => ({
  times: Float64Array.from(values, (_, i) => start + i * DAY),
  values: Float64Array.from(values),
});

describe('detectLevelShift', () => {
  const options = { since: T0, until: T0 + 7 * DAY, minSegment: 2, minRelativeChange: 0.1, minStrength: 3 };
  it('finds a step inside the window with the levels before and after', () => {
    const values = Array.from({ length: 14 }, (_, d) => (d < 10 ? 100 : 160) + (d % 2));
    const shift = detectLevelShift(daily(values), options);
    assert.ok(shift);
    assert.equal(shift.at, T0 + 3 * DAY);
    assert.ok(Math.abs(shift.before - 100.5) < 0.01 && Math.abs(shift.after - 160.5) < 0.5);
    assert.ok(Math.abs(shift.change - 0.6) < 0.01 && shift.strength > 3);
  });

  it('does not call a steady trend a shift', () => {
    const values = Array.from({ length: 14 }, (_, d) => 100 + d * 5);
    assert.equal(detectLevelShift(daily(values), options), undefined);
  });

  it('ignores a step outside [since, until) and empty (NaN) buckets', () => {
    const values = Array.from({ length: 14 }, (_, d) => (d < 3 ? 100 : 160) + (d % 2));
    assert.equal(detectLevelShift(daily(values), options), undefined);
    const gappy = Array.from({ length: 14 }, (_, d) => (d === 5 ? Number.NaN : (d < 10 ? 100 : 160) + (d % 2)));
    assert.equal(detectLevelShift(daily(gappy), options)?.at, T0 + 3 * DAY);
  });
});
