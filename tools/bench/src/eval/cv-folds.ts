/**
 * k-fold splitting of a NAB-layout corpus by file, stratified by category (the first folder of the file's key,
 * e.g. `realKnownCause`), with a fixed seed. Pure.
 */
import { mulberry32 } from '@tideline/stats';

/** The seed `tideline eval --cv` uses unless `--seed` says otherwise. */
export const DEFAULT_CV_SEED = 1;

/** NAB category of a file key: `realKnownCause/nyc_taxi.csv` → `realKnownCause` (`''` for a file at the top). */
export function categoryOf(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? '' : key.slice(0, slash);
}

/**
 * Assigns every file to one of `k` folds. Within each category (categories and keys taken in sorted order, so the
 * result does not depend on the order the keys are given in) the files are shuffled with mulberry32(`seed`)
 * (Fisher–Yates) and dealt round-robin, the deal continuing across categories: every category is spread as evenly
 * as it can be (per fold, its counts differ by at most one) and the folds' sizes differ by at most one.
 *
 * Returns the fold of each key, aligned with `keys`. O(n log n).
 *
 * @example stratifiedFolds(["a/1.csv", "a/2.csv", "b/1.csv", "b/2.csv"], 2, 1) // each fold: one a, one b
 */
export function stratifiedFolds(keys: readonly string[], k: number, seed: number): Int32Array {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`the number of folds must be an integer ≥ 2, got ${k}`);
  if (k > keys.length) throw new RangeError(`${k} folds need at least ${k} files; the dataset has ${keys.length}`);
  if (new Set(keys).size !== keys.length) throw new RangeError('file keys must be distinct');
  const byCategory = new Map<string, number[]>();
  keys.forEach((key, i) => {
    const c = categoryOf(key);
    const list = byCategory.get(c);
    if (list === undefined) byCategory.set(c, [i]);
    else list.push(i);
  });
  const next = mulberry32(seed);
  const fold = new Int32Array(keys.length);
  let dealt = 0;
  for (const category of [...byCategory.keys()].sort()) {
    const members = byCategory.get(category)!.sort((a, b) => (keys[a]! < keys[b]! ? -1 : 1));
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    for (const m of members) fold[m] = dealt++ % k;
  }
  return fold;
}

/** The files held out in fold `f` and the ones trained on, as indices into the keys. */
export function foldSplit(folds: Int32Array, f: number): { train: number[]; test: number[] } {
  const train: number[] = [];
  const test: number[] = [];
  folds.forEach((g, i) => (g === f ? test : train).push(i));
  return { train, test };
}
