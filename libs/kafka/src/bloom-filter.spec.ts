import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BloomFilter } from './bloom-filter';

describe('BloomFilter', () => {
  it('never says no to a key it was given', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ unit: 'grapheme', maxLength: 80 }), { maxLength: 300 }), (keys) => {
        const filter = new BloomFilter(100);
        keys.forEach((key) => filter.add(key));
        for (const key of keys) assert.equal(filter.mightHave(key), true);
      }),
    );
  });

  it('says yes to about 1 % of other keys at its capacity (ten bits and seven probes per key: 0.8 % expected)', () => {
    const filter = new BloomFilter(50_000);
    for (let i = 0; i < 50_000; i++) filter.add(`http.requests|host=host-${i % 1000}|request_id=0-${i}`);
    let wrong = 0;
    for (let i = 0; i < 50_000; i++)
      if (filter.mightHave(`http.requests|host=host-${i % 1000}|request_id=1-${i}`)) wrong++;
    // (1 - e^(-7/10))^7 = 0.0082 (Bloom's false-positive rate for k = 7, m/n = 10)
    assert.ok(wrong / 50_000 < 0.015, `${wrong} false positives in 50,000`);
  });
});
