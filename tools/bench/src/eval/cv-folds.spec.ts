// The expected properties follow from the definition of stratified k-fold splitting (scikit-learn's
// StratifiedKFold documents the same guarantees: each class spread over the folds as evenly as possible, folds
// disjoint, every sample tested exactly once).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { categoryOf, foldSplit, stratifiedFolds } from './cv-folds';

/** Keys shaped like the NAB corpus: its seven categories with their file counts (58 files). */
const NAB_LIKE: string[] = Object.entries({
  artificialNoAnomaly: 5,
  artificialWithAnomaly: 6,
  realAWSCloudwatch: 17,
  realAdExchange: 6,
  realKnownCause: 7,
  realTraffic: 7,
  realTweets: 10,
}).flatMap(([category, n]) => Array.from({ length: n }, (_, i) => `${category}/file_${i}.csv`));

describe('stratifiedFolds', () => {
  it('spreads every category over the folds as evenly as possible, and the folds differ in size by at most one', () => {
    for (const k of [2, 3, 5, 10]) {
      const folds = stratifiedFolds(NAB_LIKE, k, 1);
      const sizes = new Array<number>(k).fill(0);
      folds.forEach((f) => sizes[f]!++);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `k=${k}: fold sizes ${sizes.join(',')}`);
      for (const category of new Set(NAB_LIKE.map(categoryOf))) {
        const counts = new Array<number>(k).fill(0);
        NAB_LIKE.forEach((key, i) => {
          if (categoryOf(key) === category) counts[folds[i]!]!++;
        });
        assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `k=${k} ${category}: ${counts.join(',')}`);
      }
    }
  });

  it('puts no file in both the training and the test files of a fold, and tests every file exactly once', () => {
    const k = 5;
    const folds = stratifiedFolds(NAB_LIKE, k, 1);
    const tested = new Array<number>(NAB_LIKE.length).fill(0);
    for (let f = 0; f < k; f++) {
      const { train, test } = foldSplit(folds, f);
      assert.equal(train.length + test.length, NAB_LIKE.length);
      const inTest = new Set(test);
      assert.ok(
        train.every((i) => !inTest.has(i)),
        `fold ${f} trains on a held-out file`,
      );
      for (const i of test) tested[i]!++;
    }
    assert.deepEqual(tested, new Array<number>(NAB_LIKE.length).fill(1));
  });

  it('gives the same assignment for the same seed, whatever the order of the keys, and another for another seed', () => {
    const a = stratifiedFolds(NAB_LIKE, 5, 1);
    assert.deepEqual(stratifiedFolds(NAB_LIKE, 5, 1), a);
    const reversed = [...NAB_LIKE].reverse();
    const b = stratifiedFolds(reversed, 5, 1);
    reversed.forEach((key, i) => assert.equal(b[i], a[NAB_LIKE.indexOf(key)], key));
    assert.notDeepEqual(stratifiedFolds(NAB_LIKE, 5, 2), a);
  });

  it('rejects fewer than two folds, more folds than files and repeated keys', () => {
    assert.throws(() => stratifiedFolds(NAB_LIKE, 1, 1), /integer ≥ 2/);
    assert.throws(() => stratifiedFolds(['a/x.csv', 'a/y.csv'], 3, 1), /3 folds need at least 3 files/);
    assert.throws(() => stratifiedFolds(['a/x.csv', 'a/x.csv'], 2, 1), /distinct/);
  });

  it('takes the first folder of a key as its category', () => {
    assert.equal(categoryOf('realKnownCause/nyc_taxi.csv'), 'realKnownCause');
    assert.equal(categoryOf('top.csv'), '');
  });
});
