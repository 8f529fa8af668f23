// Oracles: lookups worked by hand on a few points.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TimedHistory } from './timed-history';

describe('TimedHistory', () => {
  it('finds the last value at or before a time and the nearest within a tolerance', () => {
    const h = new TimedHistory(1000);
    [10, 20, 30, 40].forEach((t) => h.add(t, t / 10));
    assert.equal(h.atOrBefore(9), undefined);
    assert.equal(h.atOrBefore(29), 2);
    assert.equal(h.nearest(26, 5), 3);
    assert.equal(h.nearest(25, 4), undefined);
    assert.equal(h.medianSpacing(), 10);
  });

  it('forgets points older than keepMs before the last one, across compactions', () => {
    const h = new TimedHistory(100);
    for (let t = 0; t < 5000; t++) h.add(t, t);
    assert.equal(h.size, 101);
    assert.equal(h.atOrBefore(4898), undefined);
    assert.equal(h.atOrBefore(4900), 4900);
    assert.equal(h.lastValue, 4999);
  });
});
