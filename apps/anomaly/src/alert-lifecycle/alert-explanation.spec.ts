import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeBaselinePoint } from '@tideline/testing';
import { explainAlert, oneIn } from './alert-explanation';

describe('explainAlert', () => {
  it('says where a value lies against its band, with the expected value and how unusual it is', () => {
    const point = makeBaselinePoint({
      value: 94.4,
      expected: 79.1,
      lower: 72.3,
      upper: 86,
      detector: 'spike',
      evidence: { deviation: 1.94, seasonality: 'none', observations: 500 },
    });
    assert.equal(
      explainAlert('firing', 'spike', point, {}),
      'spike: 94.4 above the band 72.3–86 (expected 79.1); 1.9 times as unusual as this series usually gets',
    );
  });

  it("adds the detector's tail probability as odds under the model when the point carries it", () => {
    const point = makeBaselinePoint({
      value: 94.4,
      expected: 79.1,
      lower: 72.3,
      upper: 86,
      detector: 'spike',
      evidence: { deviation: 1.94, seasonality: 'none', observations: 500, tailProbability: 8.3e-6 },
    });
    assert.equal(
      explainAlert('firing', 'spike', point, {}),
      'spike: 94.4 above the band 72.3–86 (expected 79.1); 1.9 times as unusual as this series usually gets; ' +
        '1 in 120,000 under the model',
    );
    // 1 / 8.3e-6 = 120,482 → two significant digits; 1 / 0.003 = 333 → 330; below 1e-9 it says so
    assert.deepEqual(
      [oneIn(8.3e-6), oneIn(0.003), oneIn(0.5), oneIn(1e-12), oneIn(0)],
      ['1 in 120,000', '1 in 330', '1 in 2', 'less than 1 in 1,000,000,000', 'less than 1 in 1,000,000,000'],
    );
  });

  it('says what a value inside its band broke (it printed only the band before)', () => {
    const point = makeBaselinePoint({ value: 81.4, expected: 79.2, lower: 72.3, upper: 86, detector: 'level_shift' });
    assert.match(
      explainAlert('firing', 'level_shift', point, {}),
      /^level shift: 81\.4 inside the band 72\.3–86, but the series has left its usual level and stays away from it;/,
    );
  });

  it('names a crossed static limit, and a resolve as back to normal', () => {
    const point = makeBaselinePoint({ value: 95, lower: 40, upper: 99 });
    assert.equal(explainAlert('firing', 'none', point, { upperLimit: 90 }), 'above the limit 90: 95 (band 40–99)');
    assert.equal(
      explainAlert('resolved', 'spike', makeBaselinePoint(), {}),
      'back to normal: 52 inside the band 40–60',
    );
  });

  it('prints large values at their real magnitude', () => {
    const point = makeBaselinePoint({
      value: 1.2345e10 + 0.5,
      expected: 1.1081e10 + 0.5,
      lower: 1e10 + 0.5,
      upper: 1.2e10 + 0.5,
    });
    assert.match(
      explainAlert('firing', 'spike', point, {}),
      /^spike: 12345000000 above the band 10000000000–12000000000 \(expected 11081000000\)/,
    );
  });
});
