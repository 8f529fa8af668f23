import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  TIDELINE_STATE_LAYOUT as LAYOUT,
  TIDELINE_STATE_PARTS,
  TidelineDetector,
  tidelineStateOffsets,
  type TidelineDetectorOptions,
  type TidelineDetectorSnapshot,
} from './tideline-detector';
import { VERSION_1_NEXT_SCORES, VERSION_1_OPTIONS, VERSION_1_STATE } from './tideline-detector.v1-fixture';
import {
  VERSION_4_BYTES,
  VERSION_4_NEXT_SCORES,
  VERSION_4_OPTIONS,
  VERSION_4_SNAPSHOT,
} from './tideline-detector.v4-fixture';
import {
  VERSION_3_BYTES,
  VERSION_3_NEXT_SCORES,
  VERSION_3_OPTIONS,
  VERSION_3_PRIOR,
  VERSION_3_SNAPSHOT,
} from './tideline-detector.v3-fixture';
import { RobustLevel } from './robust-level';
import { SeasonalProfile } from './seasonal-profile';
import { TailNormaliser } from './tail-normaliser';
import { mulberry32 as rng } from './mulberry32';

const MIN5 = 300_000;

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-300)) * Math.cos(2 * Math.PI * r());
}

describe('TidelineDetector', () => {
  it('raises an alert on a spike in a noisy series and explains it (a spike beyond all values seen: new_high)', () => {
    const r = rng(1);
    const d = new TidelineDetector();
    for (let i = 0; i < 2000; i++) d.scoreAndLearn(i * MIN5, 100 + 5 * gaussian(r));
    const score = d.scoreAndLearn(2000 * MIN5, 180);
    const dip = new TidelineDetector(); // and a dip inside the range seen so far is a dip
    const r2 = rng(1);
    for (let i = 0; i < 2000; i++) dip.scoreAndLearn(i * MIN5, i < 50 ? 20 * i : 100 + 5 * gaussian(r2));
    for (let i = 2000; i < 2040; i++) dip.scoreAndLearn(i * MIN5, 100);
    dip.scoreAndLearn(2040 * MIN5, 60);
    assert.equal(dip.explain().detector, 'dip');
    assert.ok(score >= 0.5, `score ${score}`);
    const e = d.explain();
    assert.equal(e.alert, true);
    assert.equal(e.detector, 'new_high');
    assert.ok(e.expected > 95 && e.expected < 105);
    assert.ok(e.upper < 180);
  });

  it('does not alert on a flat or a purely periodic series', () => {
    for (const f of [() => 42, (i: number) => 50 + 20 * Math.sin((2 * Math.PI * i) / 288)]) {
      const d = new TidelineDetector();
      let alerts = 0;
      for (let i = 0; i < 288 * 10; i++) {
        d.scoreAndLearn(i * MIN5, f(i));
        if (i > 600 && d.explain().alert) alerts++;
      }
      assert.equal(alerts, 0);
    }
  });

  it('detects daily seasonality and uses it for the expected value', () => {
    const r = rng(3);
    const d = new TidelineDetector();
    const f = (i: number) => 50 + 20 * Math.sin((2 * Math.PI * i) / 288);
    for (let i = 0; i < 288 * 7; i++) d.scoreAndLearn(i * MIN5, f(i) + gaussian(r));
    assert.equal(d.seasonality, 'daily');
    const t = 288 * 7 + 72; // a peak, 6 hours ahead
    const band = d.expected(t * MIN5, 0.95);
    assert.ok(Math.abs(band.expected - f(t)) < 3, `expected ${band.expected} vs ${f(t)}`);
  });

  it('alerts on a level shift, then adopts the new level and goes quiet', () => {
    const r = rng(5);
    const d = new TidelineDetector();
    let i = 0;
    for (; i < 1500; i++) d.scoreAndLearn(i * MIN5, 10 + gaussian(r));
    let firstAlert = -1;
    let alerts = 0;
    for (; i < 4500; i++) {
      d.scoreAndLearn(i * MIN5, 20 + gaussian(r));
      if (d.explain().alert) {
        alerts++;
        if (firstAlert < 0) firstAlert = i;
      }
    }
    assert.ok(firstAlert >= 1500 && firstAlert < 1510, `first alert at ${firstAlert}`);
    assert.ok(alerts <= 3, `alerts ${alerts}`);
    assert.ok(Math.abs(d.expected(4500 * MIN5).expected - 20) < 1);
  });

  it('alerts on a value beyond everything seen so far and names it new_high', () => {
    const r = rng(21);
    const d = new TidelineDetector();
    for (let i = 0; i < 3000; i++) d.scoreAndLearn(i * MIN5, 10 * r());
    // A quiet stretch, so no earlier alert's suppression is still running.
    for (let i = 3000; i < 3040; i++) d.scoreAndLearn(i * MIN5, 5);
    d.scoreAndLearn(3040 * MIN5, 13);
    const e = d.explain();
    assert.equal(e.alert, true);
    assert.equal(e.detector, 'new_high');
  });

  it('does not call every point of a smooth trend a new high', () => {
    const r = rng(22);
    const d = new TidelineDetector();
    let newHighs = 0;
    for (let i = 0; i < 4000; i++) {
      d.scoreAndLearn(i * MIN5, 100 + i * 0.05 + 0.5 * gaussian(r));
      if (i > 600 && d.explain().alert && d.explain().detector === 'new_high') newHighs++;
    }
    assert.equal(newHighs, 0);
  });

  it('produces scores in [0, 1] for any input (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3_600_000 }), fc.double({ noNaN: false })), { maxLength: 400 }),
        (points) => {
          const d = new TidelineDetector();
          let t = 1_700_000_000_000;
          for (const [dt, x] of points) {
            t += dt;
            const s = d.scoreAndLearn(t, x);
            assert.ok(s >= 0 && s <= 1, `score ${s}`);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('snapshot/restore and bytes continue bit-identically (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 100 }),
        (before, after) => {
          const a = new TidelineDetector();
          before.forEach((x, i) => a.scoreAndLearn(i * MIN5, x));
          const b = TidelineDetector.restore(JSON.parse(JSON.stringify(a.snapshot())));
          const c = TidelineDetector.fromBytes(a.toBytes());
          after.forEach((x, j) => {
            const t = (before.length + j) * MIN5;
            const sa = a.scoreAndLearn(t, x);
            assert.ok(Object.is(b.scoreAndLearn(t, x), sa));
            assert.ok(Object.is(c.scoreAndLearn(t, x), sa));
          });
          assert.deepEqual(Array.from(b.state), Array.from(a.state));
          assert.deepEqual(Array.from(c.state), Array.from(a.state));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('reports p50/p95/p99 of recent values (numpy: quantiles of U(0, 100) are 50, 95, 99) within 6%', () => {
    const r = rng(31);
    const d = new TidelineDetector();
    for (let i = 0; i < 20_000; i++) d.scoreAndLearn(i * MIN5, 100 * r());
    const q = d.quantiles();
    assert.ok(Math.abs(q.p50 - 50) / 50 < 0.06, `p50 ${q.p50}`);
    assert.ok(Math.abs(q.p95 - 95) / 95 < 0.06, `p95 ${q.p95}`);
    assert.ok(Math.abs(q.p99 - 99) / 99 < 0.06, `p99 ${q.p99}`);
  });

  it('summarises its baseline: EW mean/std of N(10, 2) data near 10 and 2, no seasonality', () => {
    const r = rng(41);
    const d = new TidelineDetector();
    for (let i = 0; i < 5000; i++) d.scoreAndLearn(i * MIN5, 10 + 2 * gaussian(r));
    const b = d.baseline();
    assert.equal(b.points, 5000);
    assert.ok(Math.abs(b.ewMean - 10) < 0.3, `ewMean ${b.ewMean}`);
    assert.ok(Math.abs(b.ewStd - 2) < 0.3, `ewStd ${b.ewStd}`);
    assert.ok(Math.abs(b.level - 10) < 0.3);
    assert.ok(Math.abs(b.spread - 2) < 0.3, `spread ${b.spread}`);
  });

  it('keeps its state under 8 KiB per series', () => {
    const d = new TidelineDetector();
    assert.ok(d.stateBytes <= 8192, `${d.stateBytes} bytes`);
    assert.ok(d.toBytes().byteLength <= 8192);
  });

  it('lays the state out from one ordered table: offsets contiguous and unique, the layout of state version 5', () => {
    const names = TIDELINE_STATE_PARTS.map(([name]) => name);
    assert.equal(new Set(names).size, names.length, 'unique part names');
    for (const dailyBins of [144, 48]) {
      const at = tidelineStateOffsets(dailyBins);
      let next = 0;
      for (const [name, size] of TIDELINE_STATE_PARTS) {
        assert.equal(at[name], next, `${name} starts where the part before it ends`);
        const slots = size === 'dailyBins' ? 2 * dailyBins : size;
        assert.ok(Number.isInteger(slots) && slots > 0, `${name} has a size`);
        next += slots;
      }
      assert.equal(at.LENGTH, next);
      assert.equal(new TidelineDetector({ dailyBins }).state.length, at.LENGTH, 'the state is exactly the table');
    }
    // The byte format of snapshots and toBytes is this layout: a change to the table needs a new state version (and
    // a conversion in restore/fromBytes), then a new record here.
    assert.equal(new TidelineDetector().snapshot().version, 5);
    const header = names.slice(0, names.indexOf('L0'));
    assert.deepEqual(
      { ...tidelineStateOffsets(144) },
      {
        ...Object.fromEntries(header.map((name, i) => [name, i])),
        LAST_EXTREME: 23,
        LAST_R: 24,
        RESOLUTION: 27,
        RESOLUTION_SEEN: 28,
        L0: 29,
        L1: 32,
        L2: 35,
        SLOW: 38,
        NORM1: 41,
        NORM2: 43,
        NORM3: 45,
        LIFE: 47,
        EW: 50,
        TREND: 53,
        CUSUM: 63,
        LIKE: 65,
        SKETCH: 69,
        DAILY: 268,
        WEEKLY: 556,
        PRIOR: 892,
        BURST: 896,
        LENGTH: 903,
      },
    );
    assert.deepEqual(header.slice(20, 29), [
      'MIN_X',
      'MAX_X',
      'MAD_TOTAL',
      'LAST_EXTREME',
      'LAST_R',
      'DRIFT_SLOW',
      'SLOW_TREND',
      'RESOLUTION',
      'RESOLUTION_SEEN',
    ]);
  });

  it('restores a version-3 snapshot and bytes written before the layout table and continues bit-identically, without the burst memory and resolution it did not have', () => {
    // The fixture was written by the detector whose offsets were numbered by hand: after a fleet prior and 3,000
    // points of this series (CUSUM and the likelihood on), its snapshot, its bytes and the scores of the next 300.
    const r = rng(77);
    const x = (i: number) => 50 + 20 * Math.sin((2 * Math.PI * i) / 288) + 2 * gaussian(r) + (i % 997 === 100 ? 40 : 0);
    const points = Array.from({ length: 3300 }, (_, i) => x(i));
    const bytes = Uint8Array.from(Buffer.from(VERSION_3_BYTES, 'base64'));
    const fromSnapshot = TidelineDetector.restore(VERSION_3_SNAPSHOT as unknown as TidelineDetectorSnapshot); // as version 3 wrote it: without the burst options
    const fromBytes = TidelineDetector.fromBytes(bytes);
    // Restored, it is a version-5 detector with the burst memory and the resolution off, their slots at zero.
    const written = fromSnapshot.snapshot();
    assert.equal(written.version, 5);
    const { burstRateAlpha, burstMin, burstSpreadFloor, quantisedBelow, ...older } = written.options;
    assert.deepEqual([burstRateAlpha, burstMin, burstSpreadFloor, quantisedBelow], [0, 0, 0, 0], 'features off');
    assert.deepEqual(older, VERSION_3_SNAPSHOT.options, 'the options it read');
    const at = tidelineStateOffsets(144);
    assert.deepEqual([fromSnapshot.state[at.RESOLUTION], fromSnapshot.state[at.RESOLUTION_SEEN]], [0, 0]);
    assert.ok(
      fromSnapshot.state.subarray(at.BURST).every((v) => v === 0),
      'the burst memory, empty',
    );
    assert.deepEqual(Buffer.from(fromBytes.toBytes()), Buffer.from(fromSnapshot.toBytes()), 'bytes and snapshot agree');
    const fresh = new TidelineDetector({ ...VERSION_3_OPTIONS, burstRateAlpha: 0, quantisedBelow: 0 });
    assert.ok(fresh.applyPrior(VERSION_3_PRIOR));
    for (let i = 0; i < 3000; i++) fresh.scoreAndLearn(i * MIN5, points[i]!);
    assert.deepEqual(
      Array.from(fromBytes.state),
      Array.from(fresh.state),
      'same state as a detector fed the same points',
    );
    let alerts = 0;
    for (let i = 3000; i < 3300; i++) {
      const expected = VERSION_3_NEXT_SCORES[i - 3000]!;
      assert.ok(Object.is(fromSnapshot.scoreAndLearn(i * MIN5, points[i]!), expected), `point ${i}`);
      assert.ok(Object.is(fromBytes.scoreAndLearn(i * MIN5, points[i]!), expected), `point ${i} (bytes)`);
      assert.ok(Object.is(fresh.scoreAndLearn(i * MIN5, points[i]!), expected), `point ${i} (fresh)`);
      if (expected >= 0.5) alerts++;
    }
    assert.equal(alerts, 1, 'the spike at point 3091');
  });

  it('restores a version-4 snapshot and bytes (before the resolution moved into the header) and continues bit-identically', () => {
    // The fixture was written by the version-4 detector: after a fleet prior and 3,000 points of the series of the
    // version-3 test (CUSUM and the likelihood on), its snapshot, its bytes and the scores of the next 300.
    const r = rng(77);
    const x = (i: number) => 50 + 20 * Math.sin((2 * Math.PI * i) / 288) + 2 * gaussian(r) + (i % 997 === 100 ? 40 : 0);
    const points = Array.from({ length: 3300 }, (_, i) => x(i));
    const fromSnapshot = TidelineDetector.restore(VERSION_4_SNAPSHOT as unknown as TidelineDetectorSnapshot); // as version 4 wrote it
    const fromBytes = TidelineDetector.fromBytes(Uint8Array.from(Buffer.from(VERSION_4_BYTES, 'base64')));
    const { quantisedBelow, ...older } = fromSnapshot.options;
    assert.equal(quantisedBelow, 0, 'the resolution feature off');
    assert.deepEqual(older, VERSION_4_SNAPSHOT.options, 'the options it read');
    assert.deepEqual(Buffer.from(fromBytes.toBytes()), Buffer.from(fromSnapshot.toBytes()), 'bytes and snapshot agree');
    // Part by part where the table puts it now: the same state as a version-5 detector fed the same points.
    const fresh = new TidelineDetector({ ...VERSION_4_OPTIONS, quantisedBelow: 0 });
    assert.ok(fresh.applyPrior(VERSION_3_PRIOR));
    for (let i = 0; i < 3000; i++) fresh.scoreAndLearn(i * MIN5, points[i]!);
    assert.deepEqual(
      Array.from(fromBytes.state),
      Array.from(fresh.state),
      'same state as a detector fed the same points',
    );
    assert.ok(fresh.state[tidelineStateOffsets(144).BURST + 2]! > 0, 'the burst memory has seen outliers');
    let alerts = 0;
    for (let i = 3000; i < 3300; i++) {
      const expected = VERSION_4_NEXT_SCORES[i - 3000]!;
      assert.ok(Object.is(fromSnapshot.scoreAndLearn(i * MIN5, points[i]!), expected), `point ${i}`);
      assert.ok(Object.is(fromBytes.scoreAndLearn(i * MIN5, points[i]!), expected), `point ${i} (bytes)`);
      assert.ok(Object.is(fresh.scoreAndLearn(i * MIN5, points[i]!), expected), `point ${i} (fresh)`);
      if (expected >= 0.5) alerts++;
    }
    assert.equal(alerts, 1, 'the spike at point 3091');
  });

  it('rejects snapshots of another version', () => {
    const snap = new TidelineDetector().snapshot();
    assert.throws(() => TidelineDetector.restore({ ...snap, version: 6 as 5 }), /unsupported/);
    const bytes = new TidelineDetector().toBytes();
    new DataView(bytes.buffer).setFloat64(0, 6, true);
    assert.throws(() => TidelineDetector.fromBytes(bytes), /unsupported/);
  });

  it('restores a version-1 snapshot (the layout before the hot numbers were packed) and continues as version 1 did', () => {
    // The fixture holds a version-1 snapshot taken after 3,000 points of this series (with CUSUM and the anomaly
    // likelihood on, so the numbers that moved are not zero) and the scores version 1 gave the next 300 points.
    const r = rng(77);
    const x = (i: number) => 50 + 20 * Math.sin((2 * Math.PI * i) / 288) + 2 * gaussian(r) + (i % 997 === 100 ? 40 : 0);
    const points = Array.from({ length: 3300 }, (_, i) => x(i));
    // Version 1 had neither the options of versions 3 to 5 nor the prior, burst memory and resolution of the state;
    // restored, it continues with those off, as it did.
    const off = {
      extremeSpread: 0,
      extremeAfter: 0,
      modelTail: 0,
      warmUpSpan: 0,
      warmUpWidth: 0,
      burstRateAlpha: 0,
      burstMin: 0,
      burstSpreadFloor: 0,
      quantisedBelow: 0,
    };
    const {
      extremeSpread,
      extremeAfter,
      modelTail,
      warmUpSpan,
      warmUpWidth,
      burstRateAlpha,
      burstMin,
      burstSpreadFloor,
      quantisedBelow,
      ...options
    } = new TidelineDetector(VERSION_1_OPTIONS).options;
    assert.ok(
      [extremeSpread, extremeAfter, modelTail, warmUpSpan, warmUpWidth].every((v) => v > 0),
      'on by default since version 3',
    );
    assert.ok(
      [burstRateAlpha, burstMin, burstSpreadFloor].every((v) => v > 0),
      'on by default since version 4',
    );
    assert.ok(quantisedBelow > 0, 'on by default since version 5');
    const snapshot = {
      kind: 'tideline-detector' as const,
      version: 1 as const,
      options: options as TidelineDetectorSnapshot['options'], // as version 1 wrote them: without the nine
      state: VERSION_1_STATE,
    };
    const fromSnapshot = TidelineDetector.restore(snapshot);
    assert.deepEqual({ ...fromSnapshot.options }, { ...options, ...off });
    const fresh = new TidelineDetector({ ...options, ...off });
    for (let i = 0; i < 3000; i++) fresh.scoreAndLearn(i * MIN5, points[i]!);
    assert.deepEqual(
      Array.from(fromSnapshot.state),
      Array.from(fresh.state),
      'same state as a detector fed the same points',
    );
    // The same state as version-1 bytes: [1, option count, …options, state length, …state].
    const v1State = new Float64Array(Uint8Array.from(Buffer.from(snapshot.state, 'base64')).buffer);
    const optionValues = Object.values(options);
    const v1Bytes = Float64Array.from([1, optionValues.length, ...optionValues, v1State.length, ...v1State]);
    const fromBytes = TidelineDetector.fromBytes(new Uint8Array(v1Bytes.buffer));
    let alerts = 0;
    for (let i = 3000; i < 3300; i++) {
      const expected = VERSION_1_NEXT_SCORES[i - 3000]!;
      assert.ok(Object.is(fromSnapshot.scoreAndLearn(i * MIN5, points[i]!), expected), `point ${i}`);
      assert.ok(Object.is(fromBytes.scoreAndLearn(i * MIN5, points[i]!), expected), `point ${i} (bytes)`);
      if (expected >= 0.5) alerts++;
    }
    assert.equal(alerts, 1, 'the spike at point 3091');
  });

  it('learns each point exactly as RobustLevel, SeasonalProfile and TailNormaliser would (property)', () => {
    // scoreAndLearn writes these parts' per-point arithmetic out (for speed); this replays every point on a copy of
    // the state before it with the classes themselves and compares the results bit for bit.
    const check = (options: TidelineDetectorOptions, stepMs: number, values: number[]) => {
      const d = new TidelineDetector(options);
      const o = d.options;
      const levels = [LAYOUT.L0, LAYOUT.L1, LAYOUT.L2].map(
        (at) => new RobustLevel(o.localAlpha, o.scaleAlpha, o.clip, at),
      );
      const slow = new RobustLevel(o.slowAlpha, o.scaleAlpha, o.clip, LAYOUT.SLOW);
      const daily = new SeasonalProfile(86_400_000, o.dailyBins, o.seasonAlpha, LAYOUT.DAILY);
      const weekly = new SeasonalProfile(7 * 86_400_000, 168, o.seasonAlpha, LAYOUT.DAILY + 2 * o.dailyBins);
      const norms = [LAYOUT.NORM1, LAYOUT.NORM2, LAYOUT.NORM3].map(
        (at, i) => new TailNormaliser(i === 0 ? 4 : 2, o.tailEta, o.tailProbability, o.maxMargin, o.maxHalfLife, at),
      );
      const same = (ref: Float64Array, from: number, to: number, what: string, i: number) => {
        for (let j = from; j < to; j++) assert.ok(Object.is(ref[j], d.state[j]), `${what} at point ${i}, state[${j}]`);
      };
      values.forEach((x, i) => {
        const t = 1_700_000_000_000 + i * stepMs;
        const before = Float64Array.from(d.state);
        d.scoreAndLearn(t, x);
        if (i === 0) return;
        const s = d.state;
        const ref = Float64Array.from(before);
        const dv = daily.value(ref, t);
        const wv = weekly.value(ref, t);
        const slowLevel = before[LAYOUT.SLOW + 1]! + before[LAYOUT.SLOW_TREND]!;
        const k = s[LAYOUT.K]!;
        levels[0]!.update(ref, x);
        levels[1]!.update(ref, x - dv);
        levels[2]!.update(ref, x - wv);
        slow.reset(ref, slowLevel);
        slow.update(ref, x - (k === 0 ? 0 : k === 1 ? dv : wv));
        same(ref, LAYOUT.L0, LAYOUT.SLOW + RobustLevel.SIZE, 'levels', i);
        daily.update(ref, t, x - slowLevel);
        weekly.update(ref, t, x - slowLevel);
        same(ref, LAYOUT.DAILY, tidelineStateOffsets(o.dailyBins).PRIOR, 'profiles', i);
        if (before[LAYOUT.N] === o.warmUpPoints) norms.forEach((norm) => norm.reset(ref));
        const adopted = before[LAYOUT.SUPPRESS] === 1 && s[LAYOUT.DRIFT] === 0; // the drift was reset after use
        const cap = s[LAYOUT.LAST_ALERT] === 1 ? o.maxStep : Infinity;
        const us = [
          Math.abs(s[LAYOUT.LAST_Z]!),
          Math.abs(s[LAYOUT.DRIFT]!) * o.driftWeight,
          Math.abs(s[LAYOUT.DRIFT_SLOW]!),
        ];
        norms.forEach((norm, j) => {
          if (j === 1 && adopted) return;
          const u = us[j]!;
          const r = norm.score(ref, u);
          if (j === 0) assert.ok(Object.is(r, s[LAYOUT.LAST_R1]), `r1 at point ${i}`);
          norm.learn(ref, u, r > 0 ? (cap * u) / r : Infinity);
          same(ref, norm.offset, norm.offset + TailNormaliser.SIZE, `normaliser ${j + 1}`, i);
        });
      });
    };
    const r = rng(8);
    // Long enough for daily and weekly seasonality to be chosen, with spikes, a level shift and noise.
    const seasonal = Array.from({ length: 288 * 16 }, (_, i) => {
      const x =
        100 + 30 * Math.sin((2 * Math.PI * i) / 288) + 10 * Math.sin((2 * Math.PI * i) / 2016) + 3 * gaussian(r);
      return (i > 3000 ? 60 : 0) + (i % 701 === 0 ? 200 : x);
    });
    check({}, MIN5, seasonal);
    check({ dailyBins: 24, clip: 3 }, 7 * 60_000, seasonal.slice(0, 3000));
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 400 }),
        fc.integer({ min: 1, max: 7_200_000 }),
        (xs, step) => check({}, step, xs),
      ),
      { numRuns: 50 },
    );
  });
});
