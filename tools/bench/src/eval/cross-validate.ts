/**
 * Out-of-sample NAB scoring by k-fold cross-validation over files. For each fold, the detector's setting (one entry
 * of its documented grid) and the NAB threshold are chosen on the training folds only — per profile, the pair with
 * the highest training score under NAB's own corpus-wide threshold sweep — and the held-out files are scored at
 * that pair. The cross-validated score normalises the sum of the held-out raw scores over all folds against the
 * whole corpus' null and perfect detectors, exactly as the in-sample score normalises its sum. Pure: the caller
 * supplies every setting's per-row scores (a detector's scores of one file do not depend on the other files).
 */
import { categoryOf, foldSplit } from './cv-folds';
import { detectionReport } from './detection-report';
import { prepareCorpus } from './nab-corpus-score';
import { normaliseScore } from './nab-normalise';
import type { NabProfile, NabProfileName } from './nab-profiles';
import { rowUnits, scoreFile, type WindowSpan } from './nab-scorer';
import { bestThreshold } from './nab-threshold';

/** A file as cross-validation needs it: its key (for the category) and its labelled windows. */
export interface CvFile {
  readonly key: string;
  readonly rows: number;
  readonly windows: readonly WindowSpan[];
}

/** What one fold chose on its training files for one profile. */
export interface CvChoice {
  /** Index into the grid. */
  readonly setting: number;
  readonly threshold: number;
  /** Normalised NAB score of that choice on the training files (against their own null and perfect detectors). */
  readonly trainScore: number;
}

export interface CvFold {
  readonly fold: number;
  /** Keys of the held-out files. */
  readonly test: readonly string[];
  readonly chosen: Readonly<Record<NabProfileName, CvChoice>>;
}

export interface CvProfileScore {
  readonly profile: NabProfileName;
  /** Sum of the held-out files' raw scores, each at its fold's choice. */
  readonly raw: number;
  /** 0 = the null detector, 100 = the perfect detector, on the whole corpus. */
  readonly normalised: number;
  readonly windows: number;
  readonly windowsDetected: number;
  /** The same per NAB category, in sorted order; `normalised` is null for a category without windows. */
  readonly byCategory: readonly CvCategoryScore[];
}

export interface CvCategoryScore {
  readonly category: string;
  readonly files: number;
  readonly windows: number;
  readonly raw: number;
  readonly normalised: number | null;
}

/** Operator figures of the held-out files at the standard profile's choices, summed over the folds. */
export interface CvDetection {
  readonly windows: { readonly total: number; readonly detected: number; readonly detected_early: number };
  readonly alerts: {
    readonly raised: number;
    readonly true: number;
    readonly false: number;
    readonly precision: number | null;
    readonly false_per_1000_points: number;
  };
  readonly scorable_rows: number;
}

export interface CrossValidation {
  readonly folds: number;
  readonly profiles: readonly CvProfileScore[];
  readonly perFold: readonly CvFold[];
  readonly detection: CvDetection;
}

/**
 * @param files the corpus' files.
 * @param scoresBySetting per grid setting, the per-row scores of every file (aligned with `files`).
 * @param folds fold of each file (see `stratifiedFolds`), values 0 … k − 1.
 */
export function crossValidate(
  files: readonly CvFile[],
  scoresBySetting: readonly (readonly ArrayLike<number>[])[],
  folds: Int32Array,
  k: number,
  profiles: readonly NabProfile[],
): CrossValidation {
  if (scoresBySetting.length === 0) throw new RangeError('the grid has no setting');
  const units = files.map((f) => rowUnits(f.rows, f.windows));
  const scored = (g: number, i: number) => ({
    key: files[i]!.key,
    windows: files[i]!.windows,
    scores: scoresBySetting[g]![i]!,
  });
  const totals = new Map(profiles.map((p) => [p.name, { raw: 0, windows: 0, windowsDetected: 0 }]));
  const categories = [...new Set(files.map((f) => categoryOf(f.key)))].sort();
  const categoryRaw = new Map(profiles.map((p) => [p.name, new Map(categories.map((c) => [c, 0]))]));
  const standard = profiles.find((p) => p.name === 'standard') ?? profiles[0]!;
  const detection = { total: 0, detected: 0, early: 0, raised: 0, false: 0, scorable: 0 };
  const perFold: CvFold[] = [];
  for (let f = 0; f < k; f++) {
    const { train, test } = foldSplit(folds, f);
    const trainWindows = train.reduce((n, i) => n + files[i]!.windows.length, 0);
    const corpora = scoresBySetting.map((_, g) => prepareCorpus(train.map((i) => scored(g, i))));
    const chosen = {} as Record<NabProfileName, CvChoice>;
    for (const p of profiles) {
      let best = { setting: 0, threshold: Number.NaN, raw: Number.NEGATIVE_INFINITY };
      corpora.forEach((corpus, g) => {
        // Strictly greater: on a tie the earlier setting (the grid's first entry is the detector's default) stays.
        const choice = bestThreshold(corpus.curve(p));
        if (choice.score > best.raw) best = { setting: g, threshold: choice.threshold, raw: choice.score };
      });
      chosen[p.name] = {
        setting: best.setting,
        threshold: best.threshold,
        trainScore: normaliseScore(best.raw, p, trainWindows),
      };
      const total = totals.get(p.name)!;
      for (const i of test) {
        const s = scoreFile(scored(best.setting, i), units[i]!, p, best.threshold);
        total.raw += s.score;
        const byCategory = categoryRaw.get(p.name)!;
        const c = categoryOf(files[i]!.key);
        byCategory.set(c, byCategory.get(c)! + s.score);
        total.windows += s.windows;
        total.windowsDetected += s.windowsDetected;
      }
    }
    const pick = chosen[standard.name];
    const report = detectionReport(
      test.map((i) => scored(pick.setting, i)),
      test.map((i) => units[i]!),
      pick.threshold,
    );
    detection.total += report.windows.total;
    detection.detected += report.windows.detected;
    detection.early += report.windows.detected_early;
    detection.raised += report.alerts.raised;
    detection.false += report.alerts.false;
    detection.scorable += report.rows.scorable;
    perFold.push({ fold: f, test: test.map((i) => files[i]!.key), chosen });
  }
  const windowCount = files.reduce((n, f) => n + f.windows.length, 0);
  return {
    folds: k,
    profiles: profiles.map((p) => {
      const t = totals.get(p.name)!;
      const byCategory = categories.map((category) => {
        const members = files.filter((f) => categoryOf(f.key) === category);
        const windows = members.reduce((n, f) => n + f.windows.length, 0);
        const raw = categoryRaw.get(p.name)!.get(category)!;
        return {
          category,
          files: members.length,
          windows,
          raw,
          normalised: windows === 0 ? null : normaliseScore(raw, p, windows),
        };
      });
      return { profile: p.name, ...t, normalised: normaliseScore(t.raw, p, windowCount), byCategory };
    }),
    perFold,
    detection: {
      windows: { total: detection.total, detected: detection.detected, detected_early: detection.early },
      alerts: {
        raised: detection.raised,
        true: detection.raised - detection.false,
        false: detection.false,
        precision: detection.raised === 0 ? null : (detection.raised - detection.false) / detection.raised,
        false_per_1000_points: detection.scorable === 0 ? 0 : (1000 * detection.false) / detection.scorable,
      },
      scorable_rows: detection.scorable,
    },
  };
}
