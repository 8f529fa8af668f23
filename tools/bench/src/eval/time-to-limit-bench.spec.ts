// Oracles: the scenarios' own definitions (seeded, so a series is the same on every run; the true crossing is
// where the noise-free signal first reaches the limit, after the last point) and the floor for the range
// estimator (≥ 80 % of true crossings inside [p10, p90]), checked on a small seeded suite for the estimator the
// weekly report runs (the TrendBucket the baseline service keeps, its closed half hours in a TrendSummary), beside the same estimator on every point.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runTimeToLimitBench } from './time-to-limit-bench';
import { generateLimitScenarios, LIMIT_SCENARIO_FAMILIES } from './time-to-limit-scenarios';

describe('time-to-limit scenarios', () => {
  it('draws the same series for the same seed, below the limit, crossing 6 hours to 30 days (+ a cycle) later', () => {
    const a = generateLimitScenarios(3, 5);
    const b = generateLimitScenarios(3, 5);
    assert.equal(a.length, 3 * LIMIT_SCENARIO_FAMILIES.length);
    a.forEach((s, i) => {
      assert.deepEqual(s.values, b[i]!.values);
      assert.equal(s.trueCrossingMs, b[i]!.trueCrossingMs);
      assert.ok(s.trueCrossingMs > 0 && s.trueCrossingMs < 32 * 86_400_000, `${s.family}: ${s.trueCrossingMs}`);
      assert.ok(s.values.length >= 3 * 288 - 1);
    });
  });
});

describe('time-to-limit benchmark', () => {
  it('puts ≥ 80 % of true crossings inside [p10, p90] of the product path (TrendBucket → TrendSummary), within 2 h of the p50 error from every point', () => {
    const [summary, raw] = runTimeToLimitBench(generateLimitScenarios(10, 1));
    assert.equal(summary!.estimator, 'summary');
    assert.equal(raw!.estimator, 'raw-points');
    assert.ok(summary!.overall.hit_rate! >= 0.8, `hit rate ${summary!.overall.hit_rate}`);
    assert.ok(
      summary!.overall.median_abs_error_hours! < raw!.overall.median_abs_error_hours! + 2,
      `${summary!.overall.median_abs_error_hours} h vs ${raw!.overall.median_abs_error_hours} h`,
    );
  });
});
