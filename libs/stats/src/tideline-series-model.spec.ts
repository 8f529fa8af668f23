import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createSeriesModelFactory } from './tideline-series-model';
import { emptyAssessment } from './series-model';

const factory = createSeriesModelFactory('medium');
const MINUTE = 60_000;

describe('tideline series model (libs/stats TidelineDetector behind the adapter)', () => {
  it('restores from a snapshot to a model that scores the next points exactly as the original', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 20 }),
        (history, next) => {
          const a = factory.create();
          const out = emptyAssessment();
          history.forEach((v, i) => a.assess(i * MINUTE, v, out));
          const b = factory.restore(a.snapshot());
          assert.equal(b.observations, a.observations);
          assert.equal(b.lastTs, a.lastTs);
          const outA = emptyAssessment();
          const outB = emptyAssessment();
          next.forEach((v, i) => {
            a.assess((history.length + i) * MINUTE, v, outA);
            b.assess((history.length + i) * MINUTE, v, outB);
            assert.deepEqual(outB, outA);
          });
        },
      ),
      { numRuns: 50 },
    );
  });

  it('is not ready during warm-up, then scores a spike high with the value outside its band', () => {
    const m = factory.create();
    const out = emptyAssessment();
    m.assess(0, 10, out);
    assert.equal(out.ready, false);
    assert.equal(out.score, 0);
    for (let i = 1; i < 500; i++) m.assess(i * MINUTE, 10 + Math.sin(i), out);
    assert.equal(out.ready, true);
    m.assess(500 * MINUTE, 100, out);
    assert.ok(out.score >= 0.5 && out.score <= 1, `a spike scores ${out.score}`);
    assert.ok(out.upper < 100 && out.lower < out.expected && out.expected < out.upper, JSON.stringify(out));
    assert.notEqual(out.detector, 'none', 'a detector explains it');
  });

  it('does not learn a point at or before the latest learned one (redelivery), and scores it 0', () => {
    const m = factory.create();
    const out = emptyAssessment();
    for (let i = 0; i < 50; i++) m.assess(i * MINUTE, 5, out);
    m.assess(49 * MINUTE, 500, out);
    assert.equal(out.learned, false);
    assert.equal(out.score, 0);
    assert.equal(m.observations, 50);
    assert.equal(m.lastTs, 49 * MINUTE);
  });

  it('refuses bytes that are not a detector snapshot', () => {
    assert.throws(() => factory.restore(new Uint8Array(3)));
    assert.throws(() => factory.restore(new Uint8Array(64)));
  });
});
