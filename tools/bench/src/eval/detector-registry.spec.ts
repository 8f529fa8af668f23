// The registry's promises to `tideline eval --cv`: the first grid setting is the detector's default (identical
// scores, point by point, on a synthetic series), the labels name distinct settings, and every setting scores in
// [0, 1].
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from '@tideline/stats';
import { DETECTORS, findDetector } from './detector-registry';

/** Three days of 5-minute points: a daily cycle, noise, a spike and a level shift. */
function series(): { t: number[]; x: number[] } {
  const next = mulberry32(3);
  const t: number[] = [];
  const x: number[] = [];
  for (let i = 0; i < 864; i++) {
    t.push(Date.UTC(2024, 0, 1) + i * 300_000);
    x.push(50 + 10 * Math.sin((2 * Math.PI * i) / 288) + 2 * next() + (i === 500 ? 40 : 0) + (i > 700 ? 15 : 0));
  }
  return { t, x };
}

describe('detector registry', () => {
  const { t, x } = series();
  for (const spec of DETECTORS) {
    it(`${spec.name}: the first grid setting is the default configuration, and every setting scores in [0, 1]`, () => {
      assert.equal(spec.grid[0]!.label, 'default');
      assert.equal(new Set(spec.grid.map((g) => g.label)).size, spec.grid.length);
      const reference = spec.create();
      const first = spec.grid[0]!.create();
      for (let i = 0; i < x.length; i++)
        assert.equal(first.scoreAndLearn(t[i]!, x[i]!), reference.scoreAndLearn(t[i]!, x[i]!));
      for (const setting of spec.grid) {
        const d = setting.create();
        for (let i = 0; i < x.length; i++) {
          const s = d.scoreAndLearn(t[i]!, x[i]!);
          assert.ok(s >= 0 && s <= 1, `${setting.label} row ${i}: ${s}`);
        }
      }
    });
  }

  it('compares the default, the two peers and the windowed Gaussian, not the null and random floors', () => {
    assert.deepEqual(
      DETECTORS.filter((d) => d.compared).map((d) => d.name),
      ['tideline', 'windowed-gaussian', 'holt-winters', 'zms'],
    );
    assert.throws(() => findDetector('nope'), /unknown detector "nope"/);
  });
});
