import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createInterimSeriesModelFactory } from './interim-series-model';
import { emptyAssessment } from './series-model';

const factory = createInterimSeriesModelFactory();

describe('interim series model', () => {
  it('restores from a snapshot to a model that scores the next points exactly as the original', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 20 }),
        (history, next) => {
          const a = factory.create();
          const out = emptyAssessment();
          history.forEach((v, i) => a.assess(i, v, out));
          const b = factory.restore(a.snapshot());
          const outA = emptyAssessment();
          const outB = emptyAssessment();
          next.forEach((v, i) => {
            a.assess(history.length + i, v, outA);
            b.assess(history.length + i, v, outB);
            assert.deepEqual(outB, outA);
          });
          assert.equal(b.observations, a.observations);
          assert.equal(b.lastTs, a.lastTs);
        },
      ),
    );
  });

  it('scores in [0, 1] and is not ready before its warm-up', () => {
    const m = factory.create();
    const out = emptyAssessment();
    for (let i = 0; i < 29; i++) {
      m.assess(i, 10 + (i % 3), out);
      assert.equal(out.ready, false);
      assert.equal(out.score, 0);
    }
    for (let i = 29; i < 100; i++) m.assess(i, 10 + (i % 3), out);
    m.assess(100, 1000, out);
    assert.equal(out.ready, true);
    assert.ok(out.score > 0.9999 && out.score <= 1, `a 1000 among 10..12 scores ${out.score}`);
    assert.ok(out.lower < 11 && out.upper > 11 && out.upper < 20, `band [${out.lower}, ${out.upper}]`);
  });

  it('does not learn a point at or before the latest learned one (redelivery)', () => {
    const m = factory.create();
    const out = emptyAssessment();
    m.assess(1000, 5, out);
    m.assess(1000, 500, out);
    assert.equal(out.learned, false);
    assert.equal(m.observations, 1);
  });

  it('refuses a snapshot of another size or version', () => {
    assert.throws(() => factory.restore(new Uint8Array(3)), /bytes/);
    const bytes = factory.create().snapshot();
    new Float64Array(bytes.buffer)[0] = 99;
    assert.throws(() => factory.restore(bytes), /version/);
  });
});
