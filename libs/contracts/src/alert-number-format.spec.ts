import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatAlertNumber as num } from './alert-event.schema';

describe('alert number format', () => {
  it('prints large and small values at their real magnitude with five significant digits', () => {
    assert.equal(num(11081234567.8), '11081000000'); // it printed 1.1081e+1 (the exponent's zero was trimmed)
    assert.equal(num(0.000123456), '0.00012346');
    assert.equal(num(81.4), '81.4');
    assert.equal(num(72.34567), '72.346');
    assert.equal(num(-3.5e-7), '-3.5e-7');
    assert.equal(num(42), '42');
  });
});
