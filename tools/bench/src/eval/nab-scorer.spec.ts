// Expected numbers are hand-computed from the formulas of the NAB dataset's SCORING.md (§4, §5 "worked checks"),
// e.g. S(−1/100)/S(−1) = tanh(0.025)/tanh(2.5) = 0.0253339, or copied from its reference values (§4.4).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { probationaryPeriod, rowUnits, scaledSigmoid, scoreFile, type WindowSpan } from './nab-scorer';
import { bestThreshold, buildSweepPool, scoreAt, sweep, twiddle, type SweepPool } from './nab-threshold';
import { normaliseScore } from './nab-normalise';
import { NAB_PROFILES, type NabProfile } from './nab-profiles';
import { scoreCorpus } from './nab-corpus-score';

const UNIT: NabProfile = { name: 'standard', tpWeight: 1, fpWeight: 1, fnWeight: 1 };
const STANDARD = NAB_PROFILES[0]!;

/** A file of `n` rows with detections (score 1) on the given rows and 0 elsewhere. */
function file(n: number, windows: WindowSpan[], detections: number[]) {
  const scores = new Float64Array(n);
  for (const d of detections) scores[d] = 1;
  return { key: 'f.csv', scores, windows };
}

function scoreNoProbation(n: number, windows: WindowSpan[], detections: number[], profile = UNIT): number {
  const f = file(n, windows, detections);
  return scoreFile(f, rowUnits(n, windows, 0), profile, 0.5).score;
}

describe('NAB scaled sigmoid and probationary period', () => {
  it('matches the reference values of SCORING.md §4.4', () => {
    assert.equal(scaledSigmoid(-1), 0.9866142981514305);
    assert.equal(scaledSigmoid(-0.5), 0.8482836399575131);
    assert.equal(scaledSigmoid(0), 0);
    assert.ok(Math.abs(scaledSigmoid(1) - -0.9866142981514303) < 1e-15);
    assert.ok(Math.abs(scaledSigmoid(3) - -0.9999993881955461) < 1e-15);
    assert.equal(scaledSigmoid(3.0001), -1);
  });

  it('is 15% of the file capped at 750 rows (NAB unit-test cases and the corpus sizes)', () => {
    assert.equal(probationaryPeriod(100), 15);
    assert.equal(probationaryPeriod(6000, 0.1), 500);
    assert.equal(probationaryPeriod(4032), 604);
    assert.equal(probationaryPeriod(4730), 709);
    assert.equal(probationaryPeriod(1243), 186);
    assert.equal(probationaryPeriod(22695), 750);
  });
});

describe('NAB score of one file (SCORING.md §5 single-file cases, A_TP = A_FP = A_FN = 1, no probation)', () => {
  const win: WindowSpan[] = [{ start: 100, end: 199 }];

  it('scores exactly +1 for a detection on the first row of the only window', () => {
    assert.equal(scoreNoProbation(400, win, [100]), 1);
  });

  it('scores a later detection in the window lower, but still positive', () => {
    const s = scoreNoProbation(400, win, [150]);
    assert.ok(s > 0 && s < 1);
  });

  it('absorbs a second detection in the same window', () => {
    assert.equal(scoreNoProbation(400, win, [120, 180]), scoreNoProbation(400, win, [120]));
  });

  it('values a detection on the last row of a 100-row window at S(−1/100)/S(−1) = 0.0253339', () => {
    assert.ok(Math.abs(scoreNoProbation(400, win, [199]) - 0.0253339) < 5e-8);
  });

  it('values a detection right after a 100-row window at S(1/99) = −0.0252472, plus −1 for the missed window', () => {
    const s = scoreNoProbation(400, win, [200]);
    assert.ok(Math.abs(s - (-0.0252472 - 1)) < 5e-8);
    // SCORING.md: the two cases plus 1 sum to about 8.7e-5.
    assert.ok(Math.abs(scoreNoProbation(400, win, [199]) + s + 1 - 8.7e-5) < 1e-6);
  });

  it('charges −A_FP for a detection in a file without windows', () => {
    assert.equal(scoreNoProbation(400, [], [10], STANDARD), -0.11);
  });

  it('charges a full −A_FP far after a window (more than 3 widths) and before the first window', () => {
    assert.equal(scoreNoProbation(1000, win, [100, 600]), 1 - 1);
    assert.equal(scoreNoProbation(1000, win, [50, 100]), -1 + 1);
  });

  it('treats a detection after a window of width 1 as a full false positive instead of dividing by zero', () => {
    assert.equal(scoreNoProbation(10, [{ start: 3, end: 3 }], [3, 4]), 1 - 1);
  });

  it('counts a score equal to the threshold as a detection', () => {
    const f = file(400, win, [100]);
    assert.equal(scoreFile(f, rowUnits(400, win, 0), UNIT, 1).score, 1);
  });

  it('ignores probationary rows and windows that lie wholly inside the probationary period', () => {
    const windows = [
      { start: 5, end: 9 },
      { start: 200, end: 209 },
    ];
    const f = file(400, windows, [7, 30, 200]);
    const s = scoreFile(f, rowUnits(400, windows, 60), UNIT, 0.5);
    // Window 1 (probationary) neither hits nor misses; the detection at row 30 is probationary; window 2 is hit first.
    assert.equal(s.score, 1);
    assert.equal(s.windows, 1);
    assert.deepEqual([s.tp, s.fp, s.fn, s.tn], [1, 0, 9, 330]);
  });
});

describe('NAB threshold sweep', () => {
  it('records the running totals of SCORING.md §5 "sweep bookkeeping" (A_FN = 5)', () => {
    const pool: SweepPool = {
      score: Float64Array.of(0.5, 0.5, 0.3, 0.2, 0.0),
      unit: Float64Array.of(5, -3, 10, 20, -3),
      window: Int32Array.of(1, -1, 0, 0, -1),
      windowCount: 2,
      windowSlots: 2,
    };
    const curve = sweep(pool, { name: 'standard', tpWeight: 1, fpWeight: 1, fnWeight: 5 });
    assert.deepEqual([...curve.thresholds], [1.1, 0.5, 0.3, 0.2, 0.0]);
    assert.deepEqual([...curve.totals], [-10, -3, 12, 22, 19]);
    assert.deepEqual(bestThreshold(curve), { threshold: 0.2, score: 22 });
    assert.equal(scoreAt(curve, 0.25), 12);
    assert.equal(scoreAt(curve, 0.3), 12);
    assert.equal(scoreAt(curve, 2), -10);
    assert.equal(scoreAt(curve, -1), 19);
  });

  it('breaks ties between equal scores in favour of the highest threshold', () => {
    const pool: SweepPool = {
      score: Float64Array.of(0.9, 0.4),
      unit: Float64Array.of(1, 0),
      window: Int32Array.of(0, -1),
      windowCount: 1,
      windowSlots: 1,
    };
    assert.deepEqual(bestThreshold(sweep(pool, UNIT)), { threshold: 0.9, score: 1 });
  });

  it('keeps "never detect" (1.1) when every detection costs more than it earns', () => {
    const f = file(100, [], [50]);
    const result = scoreCorpus([f], [UNIT]);
    assert.equal(result.profiles[0]!.threshold, 1.1);
    assert.equal(result.profiles[0]!.raw, 0);
  });

  it('agrees with scoring every file directly at every candidate threshold (property)', () => {
    const arbFile = fc
      .tuple(fc.integer({ min: 20, max: 120 }), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }))
      .chain(([n, widths]) =>
        fc.record({
          n: fc.constant(n),
          widths: fc.constant(widths),
          scores: fc.array(fc.constantFrom(0, 0.25, 0.5, 0.75, 1), { minLength: n, maxLength: n }),
        }),
      );
    fc.assert(
      fc.property(fc.array(arbFile, { minLength: 1, maxLength: 4 }), (specs) => {
        const files = specs.map((s, k) => {
          // Place the windows evenly, widths 1..4, never overlapping (the gap is at least 5 rows).
          const windows: WindowSpan[] = [];
          const gap = Math.floor(s.n / (s.widths.length + 1));
          s.widths.forEach((w, j) => {
            const start = gap * (j + 1) - 1;
            windows.push({ start, end: Math.min(s.n - 1, start + w) });
          });
          return { key: `f${k}`, scores: Float64Array.from(s.scores), windows };
        });
        const units = files.map((f) => rowUnits(f.scores.length, f.windows));
        const curve = sweep(buildSweepPool(files.map((f, i) => ({ scores: f.scores, units: units[i]! }))), STANDARD);
        for (let c = 0; c < curve.thresholds.length; c++) {
          const direct = files.reduce(
            (t, f, i) => t + scoreFile(f, units[i]!, STANDARD, curve.thresholds[c]!).score,
            0,
          );
          assert.ok(
            Math.abs(direct - curve.totals[c]!) < 1e-9,
            `θ=${curve.thresholds[c]}: ${direct} vs ${curve.totals[c]}`,
          );
        }
      }),
      { numRuns: 200 },
    );
  });

  it('twiddle climbs to the maximum of a unimodal objective', () => {
    const best = twiddle((t) => -((t - 0.8125) ** 2));
    assert.ok(Math.abs(best.threshold - 0.8125) < 1e-6);
  });
});

describe('NAB normalisation', () => {
  it('maps the null detector to 0 and the perfect detector to 100', () => {
    for (const p of NAB_PROFILES) {
      assert.equal(normaliseScore(-p.fnWeight * 116, p, 116), 0);
      assert.equal(normaliseScore(p.tpWeight * 116, p, 116), 100);
    }
  });

  it('turns windowedGaussian raw −24.0131054891 (standard) into 39.6495 (SCORING.md §5)', () => {
    assert.ok(Math.abs(normaliseScore(-24.0131054891, STANDARD, 116) - 39.6495) < 1e-4);
    assert.ok(Math.abs(normaliseScore(-67.0131054891, NAB_PROFILES[2]!, 116) - 47.41) < 1e-4);
  });
});
