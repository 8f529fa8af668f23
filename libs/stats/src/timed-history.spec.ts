// Oracles: lookups worked by hand on a few points; a plain reference (every point kept in arrays, linear scans,
// the definition of each lookup) for series spaced at least one slot apart, as a property test.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TimedHistory } from './timed-history';

/** Every point within keepMs of the last one, looked up by definition. */
class Reference {
  readonly ts: number[] = [];
  readonly vs: number[] = [];
  constructor(readonly keepMs: number) {}
  add(t: number, v: number): void {
    this.ts.push(t);
    this.vs.push(v);
  }
  private kept(): number[] {
    const last = this.ts[this.ts.length - 1]!;
    return this.ts.map((_, i) => i).filter((i) => this.ts[i]! >= last - this.keepMs);
  }
  atOrBefore(t: number): number | undefined {
    const i = this.kept()
      .filter((j) => this.ts[j]! <= t)
      .pop();
    return i === undefined ? undefined : this.vs[i];
  }
  nearest(t: number, tolerance: number): number | undefined {
    const kept = this.kept();
    const before = kept.filter((j) => this.ts[j]! <= t).pop();
    const after = kept.find((j) => this.ts[j]! > t);
    let best: number | undefined;
    let distance = Infinity;
    if (before !== undefined) [best, distance] = [before, t - this.ts[before]!];
    if (after !== undefined && this.ts[after]! - t < distance) [best, distance] = [after, this.ts[after]! - t];
    return best !== undefined && distance <= tolerance ? this.vs[best] : undefined;
  }
  medianSpacing(count: number): number {
    const kept = this.kept();
    const gaps: number[] = [];
    for (let k = Math.max(1, kept.length - count); k < kept.length; k++) {
      const d = this.ts[kept[k]!]! - this.ts[kept[k - 1]!]!;
      if (d > 0) gaps.push(d);
    }
    gaps.sort((a, b) => a - b);
    return gaps.length === 0 ? NaN : gaps[gaps.length >> 1]!;
  }
}

describe('TimedHistory', () => {
  it('finds the last value at or before a time and the nearest within a tolerance', () => {
    const h = new TimedHistory(1000, { slotMs: 5 });
    [10, 20, 30, 40].forEach((t) => h.add(t, t / 10));
    assert.equal(h.atOrBefore(9), undefined);
    assert.equal(h.atOrBefore(29), 2);
    assert.equal(h.nearest(26, 5), 3);
    assert.equal(h.nearest(25, 4), undefined);
    assert.equal(h.nearest(25, 5), 2, 'a tie goes to the earlier point');
    assert.equal(h.medianSpacing(), 10);
  });

  it('answers every lookup as keeping every point would, for a series spaced at least a slot apart (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 5, max: 40 }), fc.double({ min: -1e3, max: 1e3, noNaN: true })), {
          minLength: 1,
          maxLength: 300,
        }),
        fc.array(fc.tuple(fc.integer({ min: -50, max: 6000 }), fc.integer({ min: 0, max: 30 })), { maxLength: 30 }),
        (steps, lookups) => {
          const h = new TimedHistory(1000, { slotMs: 5, spacingPoints: 16 });
          const ref = new Reference(1000);
          let t = 0;
          for (const [dt, v] of steps) {
            t += dt;
            h.add(t, v);
            ref.add(t, v);
          }
          for (const [at, tolerance] of lookups) {
            assert.equal(h.atOrBefore(at), ref.atOrBefore(at), `atOrBefore(${at})`);
            assert.equal(h.nearest(at, tolerance), ref.nearest(at, tolerance), `nearest(${at}, ${tolerance})`);
          }
          assert.deepEqual(h.medianSpacing(), ref.medianSpacing(16));
          assert.equal(h.lastTime, t);
        },
      ),
    );
  });

  it('keeps a fixed size whatever the rate: the latest point of each slot, forgetting those older than keepMs', () => {
    const h = new TimedHistory(100, { slotMs: 10 });
    const bytes = h.stateBytes;
    for (let t = 0; t < 50_000; t++) h.add(t, t);
    assert.equal(h.stateBytes, bytes);
    assert.equal(h.atOrBefore(49_898), undefined, 'older than keepMs before the last point');
    assert.equal(h.atOrBefore(49_905), 49_899, "the slot's latest point at or before the time");
    assert.equal(h.atOrBefore(49_909), 49_909);
    assert.equal(h.lastValue, 49_999);
    assert.equal(h.medianSpacing(), 1);
  });

  it('holds 8 days of 5-minute slots in 38,936 bytes', () => {
    assert.equal(new TimedHistory(8 * 86_400_000).stateBytes, 38_936);
  });
});
