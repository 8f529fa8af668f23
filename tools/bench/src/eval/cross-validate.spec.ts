// Oracle: NAB v1.1 scoring as implemented in nab-corpus-score.ts / nab-scorer.ts, which nab-reproduction.spec.ts
// checks against NAB's published scores: a fold's threshold must be the one NAB's sweep chooses on the training
// files alone, and a held-out file's raw score the one NAB gives it at that threshold. A perfect detector (a detection
// on the first row of every window, nothing else) scores 100 by NAB's definition (SCORING.md §4.8).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from '@tideline/stats';
import { crossValidate, type CvFile } from './cross-validate';
import { stratifiedFolds, foldSplit } from './cv-folds';
import { scoreCorpus } from './nab-corpus-score';
import { NAB_PROFILES } from './nab-profiles';
import { rowUnits, scoreFile } from './nab-scorer';

const ROWS = 400;

/** 12 files in 3 categories, one window each (rows 200–239), except every fourth file, which has none. */
function corpus(): CvFile[] {
  return Array.from({ length: 12 }, (_, i) => ({
    key: `cat${i % 3}/f${i}.csv`,
    rows: ROWS,
    windows: i % 4 === 3 ? [] : [{ start: 200, end: 239 }],
  }));
}

/** Noisy scores that are higher inside the window, so that the best threshold depends on which files are seen. */
function noisyScores(files: readonly CvFile[], seed: number): Float64Array[] {
  const next = mulberry32(seed);
  return files.map((f) => {
    const s = new Float64Array(f.rows);
    for (let r = 0; r < f.rows; r++) {
      const inside = f.windows.some((w) => r >= w.start && r <= w.end);
      s[r] = Math.min(1, next() * (inside ? 1.1 : 0.95));
    }
    return s;
  });
}

function perfectScores(files: readonly CvFile[]): Float64Array[] {
  return files.map((f) => {
    const s = new Float64Array(f.rows);
    for (const w of f.windows) s[w.start] = 1;
    return s;
  });
}

describe('crossValidate', () => {
  it("scores each held-out file at the threshold NAB's sweep chooses on the training files alone", () => {
    const files = corpus();
    const scores = noisyScores(files, 7);
    const k = 3;
    const folds = stratifiedFolds(
      files.map((f) => f.key),
      k,
      1,
    );
    const cv = crossValidate(files, [scores], folds, k, NAB_PROFILES);
    for (const profile of NAB_PROFILES) {
      let raw = 0;
      for (let f = 0; f < k; f++) {
        const { train, test } = foldSplit(folds, f);
        const trained = scoreCorpus(
          train.map((i) => ({ key: files[i]!.key, windows: files[i]!.windows, scores: scores[i]! })),
          [profile],
        );
        const threshold = trained.profiles[0]!.threshold;
        assert.equal(cv.perFold[f]!.chosen[profile.name].threshold, threshold, `fold ${f} ${profile.name}`);
        for (const i of test) {
          const file = { key: files[i]!.key, windows: files[i]!.windows, scores: scores[i]! };
          raw += scoreFile(file, rowUnits(ROWS, file.windows), profile, threshold).score;
        }
      }
      const got = cv.profiles.find((p) => p.profile === profile.name)!;
      assert.ok(Math.abs(got.raw - raw) < 1e-9, `${profile.name}: ${got.raw} vs ${raw}`);
    }
  });

  it("never lets a held-out file's labels choose its own setting or threshold", () => {
    const files = corpus();
    const scores = [noisyScores(files, 7), noisyScores(files, 8)];
    const folds = stratifiedFolds(
      files.map((f) => f.key),
      3,
      1,
    );
    const before = crossValidate(files, scores, folds, 3, NAB_PROFILES);
    // Move the windows of fold 0's held-out files: fold 0's choices must not move.
    const { test } = foldSplit(folds, 0);
    const moved = files.map((f, i) => (test.includes(i) ? { ...f, windows: [{ start: 300, end: 339 }] } : f));
    const after = crossValidate(moved, scores, folds, 3, NAB_PROFILES);
    assert.deepEqual(after.perFold[0]!.chosen, before.perFold[0]!.chosen);
  });

  it('picks the grid setting that scores best on the training folds, and the first setting on a tie', () => {
    const files = corpus();
    const noisy = noisyScores(files, 7);
    const perfect = perfectScores(files);
    const folds = stratifiedFolds(
      files.map((f) => f.key),
      4,
      1,
    );
    const cv = crossValidate(files, [noisy, perfect], folds, 4, NAB_PROFILES);
    for (const fold of cv.perFold) for (const p of NAB_PROFILES) assert.equal(fold.chosen[p.name].setting, 1);
    // Every window detected on its first row and nothing else: 100 on every profile, out of sample too.
    for (const p of cv.profiles) {
      assert.ok(Math.abs(p.normalised - 100) < 1e-9, `${p.profile} ${p.normalised}`);
      assert.deepEqual(
        p.byCategory.map((c) => [c.category, c.files, c.windows, c.normalised]),
        [
          ['cat0', 4, 3, 100],
          ['cat1', 4, 3, 100],
          ['cat2', 4, 3, 100],
        ],
      );
    }
    assert.deepEqual(cv.detection.alerts, { raised: 9, true: 9, false: 0, precision: 1, false_per_1000_points: 0 });
    assert.deepEqual(cv.detection.windows, { total: 9, detected: 9, detected_early: 9 });

    const tie = crossValidate(files, [noisy, noisy], folds, 4, NAB_PROFILES);
    for (const fold of tie.perFold) for (const p of NAB_PROFILES) assert.equal(fold.chosen[p.name].setting, 0);
  });
});
