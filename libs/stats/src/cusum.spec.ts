import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Cusum } from './cusum';

describe('Cusum', () => {
  it('follows the tabular CUSUM recursion (values computed by hand from Page 1954)', () => {
    // z = [0.2, 1.5, 2.0, -0.3, 1.1, -3.0], k = 0.5:
    // S+ = 0, 1.0, 2.5, 1.7, 2.3, 0 ; S- = 0, 0, 0, 0, 0, 2.5
    const c = new Cusum(0.5);
    const st = c.allocate();
    const z = [0.2, 1.5, 2.0, -0.3, 1.1, -3.0];
    const pos = [0, 1.0, 2.5, 1.7, 2.3, 0];
    const neg = [0, 0, 0, 0, 0, 2.5];
    z.forEach((v, i) => {
      c.update(st, v);
      assert.ok(Math.abs(c.positive(st) - pos[i]!) < 1e-12);
      assert.ok(Math.abs(c.negative(st) - neg[i]!) < 1e-12);
    });
  });
});
