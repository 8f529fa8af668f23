import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { studentTTwoSided } from './student-t';
import { moments, welchTTest } from './welch-t-test';

// Expected values from SciPy 1.17: scipy.stats.ttest_ind(..., equal_var=False), ttest_ind_from_stats and t.sf.
describe('welchTTest', () => {
  it('matches SciPy for two small samples with unequal variances', () => {
    const r = welchTTest(moments([1, 2, 3, 4, 5]), moments([2, 4, 6, 8, 10]));
    assert.ok(r);
    assert.ok(Math.abs(r.t - -1.8973665961010275) < 1e-12);
    assert.ok(Math.abs(r.df - 5.882352941176471) < 1e-12);
    assert.ok(Math.abs(r.pValue - 0.10753119493062728) < 1e-9);
  });

  it('matches SciPy ttest_ind_from_stats for two weeks of daily means', () => {
    const r = welchTTest({ n: 7, mean: 50, variance: 4 }, { n: 7, mean: 53, variance: 6.25 });
    assert.ok(r);
    assert.ok(Math.abs(r.t - -2.479181611624012) < 1e-12);
    assert.ok(Math.abs(r.pValue - 0.02985548089342786) < 1e-9);
  });

  it('needs two values on each side', () => {
    assert.equal(welchTTest(moments([1]), moments([1, 2, 3])), undefined);
  });

  it('calls two different constant samples certainly different, and two equal ones not', () => {
    assert.equal(welchTTest(moments([3, 3, 3]), moments([4, 4, 4]))?.pValue, 0);
    assert.equal(welchTTest(moments([3, 3, 3]), moments([3, 3, 3]))?.pValue, 1);
  });
});

describe('studentTTwoSided', () => {
  it('matches SciPy 2 * t.sf(|t|, df)', () => {
    assert.ok(Math.abs(studentTTwoSided(2, 10) - 0.07338803477074037) < 1e-10);
    assert.ok(Math.abs(studentTTwoSided(-1, 3.5) - 0.3813372535634453) < 1e-10);
    assert.ok(Math.abs(studentTTwoSided(5, 60) / 5.288024210674266e-6 - 1) < 1e-6);
  });
});
