import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeBaselinePoint } from '@tideline/testing';
import { explainAlert } from './alert-explanation';

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
