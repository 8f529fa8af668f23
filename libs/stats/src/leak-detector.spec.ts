import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectLeak } from './leak-detector';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 16, 8);
const hourly = (values: number[]) => ({
  times: Float64Array.from(values, (_, i) => T0 + i * HOUR),
  values: Float64Array.from(values),
});

describe('detectLeak', () => {
  const options = { since: T0, until: T0 + 7 * DAY, minRelativeGrowth: 0.05, minRisingTroughs: 0.8 };
  it('flags a sawtooth whose daily troughs keep rising', () => {
    const values = Array.from({ length: 168 }, (_, h) => 800 + (h / 24) * 30 + (h % 6) * 20);
    const leak = detectLeak(hourly(values), options);
    assert.ok(leak);
    assert.equal(leak.risingTroughs, 6);
    assert.ok(leak.relativeGrowth > 0.2);
  });

  it('does not flag a sawtooth that returns to the same floor', () => {
    const values = Array.from({ length: 168 }, (_, h) => 800 + (h % 6) * 20);
    assert.equal(detectLeak(hourly(values), options), undefined);
  });
});
