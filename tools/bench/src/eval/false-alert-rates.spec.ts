import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { countFalseAlerts, fleetRates } from './false-alert-rates';

describe('false alerts in the first points and after', () => {
  it('counts runs at or above the level that touch no window, by the part where they start (worked by hand)', () => {
    // 300 points: runs at 10–11 (false, first part), 150–152 (inside the window 151–160: true), 199–201 (false,
    // starts in the first 200), 250 (false, after).
    const scores = new Float64Array(300);
    for (const i of [10, 11, 150, 151, 152, 199, 200, 201, 250]) scores[i] = 0.7;
    scores[260] = 0.49; // below the level
    const c = countFalseAlerts([{ scores, windows: [{ start: 151, end: 160 }] }], 0.5, 200);
    assert.equal(c.first.alerts, 2);
    assert.equal(c.first.points, 200);
    assert.equal(c.first.per_1000_points, 10);
    assert.equal(c.after.alerts, 1);
    assert.equal(c.after.points, 100);
    assert.equal(c.all.alerts, 3);
    assert.deepEqual([c.earlyDetected, c.earlyTotal], [1, 1]);
  });

  it('scores the synthetic fleet cold and from its prior on the same series', () => {
    const [cold, primed] = fleetRates(8, 600, 3);
    assert.equal(cold!.series, primed!.series);
    assert.equal(cold!.all.points, primed!.all.points);
    assert.equal(cold!.early_incidents!.total, primed!.early_incidents!.total);
    assert.ok(cold!.early_incidents!.total > 0);
  });
});
