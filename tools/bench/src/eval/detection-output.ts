/** The `--json` shapes and the human tables of `tideline eval` (detection) and `tideline eval --compare`. */
import type { CrossValidated, DetectionEvaluation } from './detection-eval';
import { fmt, int, pct, table } from './format';
import type { CvCategoryScore } from './cross-validate';
import { profileShortName, type NabProfileName } from './nab-profiles';

export const DEFINITIONS = {
  detection:
    "a scored row (after NAB's probationary period) whose score is >= the threshold optimised for NAB's standard profile",
  window_detected: 'at least one detection inside the labelled window',
  detected_early:
    "first detection before the window's midpoint, i.e. fraction elapsed < 0.5 (windows are centred on the labelled anomaly)",
  fraction_elapsed: '(first detected row - window start) / window width, 0 = on the first row of the window',
  alert: 'a maximal run of consecutive detections in one file',
  false_alert: 'an alert none of whose rows lies inside a window; precision = true alerts / alerts raised',
  false_per_1000_points: 'false alerts per 1,000 scored rows',
  cross_validated:
    "k folds of files, stratified by NAB category (first folder of the file's key), fixed seed; for each fold and profile the grid setting and the NAB threshold with the highest score on the training folds are chosen, and the held-out files are scored at them; the held-out raw scores of all folds are summed and normalised against the whole corpus' null and perfect detectors; windows and alerts are those of the held-out files at the standard profile's choices",
};

/** A category's normalised score, or its raw score when it has no windows to normalise against. */
const categoryScore = (c: CvCategoryScore) => (c.normalised === null ? `raw ${fmt(c.raw, 2)}` : fmt(c.normalised, 2));

const byProfile = <T>(names: readonly NabProfileName[], pick: (name: NabProfileName) => T) =>
  Object.fromEntries(names.map((n) => [profileShortName(n), pick(n)]));

/** The `cross_validated` object of `--json`. */
export function crossValidatedJson(cv: CrossValidated) {
  const names = cv.profiles.map((p) => p.profile);
  const score = (n: NabProfileName) => cv.profiles.find((p) => p.profile === n)!;
  return {
    folds: cv.folds,
    seed: cv.seed,
    stratified_by: 'category',
    grid: cv.grid,
    nab: byProfile(names, (n) => score(n).normalised),
    nab_raw: byProfile(names, (n) => score(n).raw),
    windows_detected: byProfile(names, (n) => score(n).windowsDetected),
    nab_by_category: Object.fromEntries(
      cv.profiles[0]!.byCategory.map((c, i) => [
        c.category,
        { files: c.files, windows: c.windows, ...byProfile(names, (n) => score(n).byCategory[i]!.normalised) },
      ]),
    ),
    windows: cv.detection.windows,
    alerts: cv.detection.alerts,
    scored_points: cv.detection.scorable_rows,
    per_fold: cv.perFold.map((f) => ({
      fold: f.fold,
      files: f.test,
      chosen: byProfile(names, (n) => ({
        setting: cv.grid[f.chosen[n].setting],
        threshold: f.chosen[n].threshold,
        train_score: f.chosen[n].trainScore,
      })),
    })),
  };
}

/** Per profile: threshold, score and, at that threshold, windows, alerts, precision and false alerts per 1,000 points. */
export function formatProfileTable(ev: DetectionEvaluation): string {
  return table([
    [
      'profile',
      'threshold',
      'raw',
      'score',
      'windows hit',
      'TP rows',
      'FP rows',
      'alerts',
      'precision',
      'false/1k pts',
    ],
    ...ev.result.profiles.map((p) => {
      const r = ev.reportByProfile[p.profile];
      return [
        p.profile,
        String(Number(p.threshold.toPrecision(12))),
        fmt(p.raw, 4),
        fmt(p.normalised, 2),
        `${p.windowsDetected}/${p.windows}`,
        int(p.tp),
        int(p.fp),
        int(r.alerts.raised),
        r.alerts.precision === null ? 'n/a' : pct(r.alerts.true, r.alerts.raised),
        fmt(r.alerts.false_per_1000_points, 3),
      ];
    }),
  ]);
}

/** The cross-validated scores beside the in-sample ones, the figures at the standard choices, and each fold's choice. */
export function formatCrossValidation(ev: DetectionEvaluation, cv: CrossValidated): string {
  const inSample = (n: NabProfileName) => ev.result.profiles.find((p) => p.profile === n)!;
  const a = cv.detection.alerts;
  const w = cv.detection.windows;
  const cvStandard = cv.profiles.find((p) => p.profile === 'standard')!;
  const lines = [
    `Cross-validated: ${cv.folds} folds of files, stratified by category, seed ${cv.seed}; per fold and profile, the setting and threshold with the best training score, then the held-out files scored at them`,
    `grid (${cv.grid.length}): ${cv.grid.join('; ')}`,
    '',
    table([
      ['profile', 'cross-validated', 'in-sample', 'windows hit (CV)'],
      ...cv.profiles.map((p) => [
        p.profile,
        fmt(p.normalised, 2),
        fmt(inSample(p.profile).normalised, 2),
        `${p.windowsDetected}/${p.windows}`,
      ]),
    ]),
    '',
    `Held-out files at their fold's standard-profile choice: windows ${w.detected}/${w.total} detected, ${w.detected_early} early; alerts ${int(a.raised)} raised, ${int(a.false)} false, precision ${a.precision === null ? 'n/a' : pct(a.true, a.raised)}, ${fmt(a.false_per_1000_points, 3)} false per 1,000 points`,
    '',
    table([
      ['category', 'files', 'windows', 'CV standard', 'in-sample standard'],
      ...cvStandard.byCategory.map((c, i) => [
        c.category,
        String(c.files),
        String(c.windows),
        categoryScore(c),
        categoryScore(ev.byCategory.standard[i]!),
      ]),
    ]),
    '(a category without windows has no normalised score: its raw score is the cost of its false positives)',
    '',
    table([
      ['fold', 'files', 'standard: setting', 'threshold', 'train score'],
      ...cv.perFold.map((f) => [
        String(f.fold + 1),
        String(f.test.length),
        cv.grid[f.chosen.standard.setting]!,
        String(Number(f.chosen.standard.threshold.toPrecision(6))),
        fmt(f.chosen.standard.trainScore, 2),
      ]),
    ]),
  ];
  return lines.join('\n');
}

/**
 * Cross-validated standard score per NAB category, one row per detector (a category without windows has no
 * normalised score: its raw score, the held-out false positives' cost, is shown instead).
 */
export function formatCategoryComparison(evs: readonly DetectionEvaluation[]): string {
  const withCv = evs.filter((e) => e.cv !== undefined);
  if (withCv.length === 0) return '';
  const categories = withCv[0]!.cv!.profiles.find((p) => p.profile === 'standard')!.byCategory;
  return table([
    ['CV standard by category', ...categories.map((c) => `${c.category} (${c.files})`)],
    ...withCv.map((e) => {
      const standard = e.cv!.profiles.find((p) => p.profile === 'standard')!;
      return [e.spec.name, ...standard.byCategory.map(categoryScore)];
    }),
  ]);
}

/** One detector's line of `--compare --json`. */
export function compareEntryJson(ev: DetectionEvaluation) {
  const names = ev.result.profiles.map((p) => p.profile);
  const score = (n: NabProfileName) => ev.result.profiles.find((p) => p.profile === n)!;
  return {
    detector: ev.spec.name,
    description: ev.spec.description,
    in_sample: {
      nab: byProfile(names, (n) => score(n).normalised),
      thresholds: byProfile(names, (n) => score(n).threshold),
      windows: { total: ev.report.windows.total, detected: ev.report.windows.detected },
      alerts: {
        raised: ev.report.alerts.raised,
        false: ev.report.alerts.false,
        precision: ev.report.alerts.precision,
        false_per_1000_points: ev.report.alerts.false_per_1000_points,
      },
    },
    ...(ev.cv === undefined ? {} : { cross_validated: crossValidatedJson(ev.cv) }),
    detector_cpu_seconds: ev.run.seconds,
  };
}

/** Every detector side by side: standard score, windows, precision, false alerts per 1,000 points; CV beside. */
export function formatComparison(evs: readonly DetectionEvaluation[]): string {
  const withCv = evs.some((e) => e.cv !== undefined);
  const header = ['detector', 'standard', 'low-FP', 'low-FN', 'windows', 'precision', 'false/1k pts'];
  const cvHeader = ['CV standard', 'CV low-FP', 'CV low-FN', 'CV windows', 'CV precision', 'CV false/1k'];
  const rows = evs.map((e) => {
    const s = (n: NabProfileName) => fmt(e.result.profiles.find((p) => p.profile === n)?.normalised, 2);
    const r = e.report;
    const row = [
      e.spec.name,
      s('standard'),
      s('reward_low_FP_rate'),
      s('reward_low_FN_rate'),
      `${r.windows.detected}/${r.windows.total}`,
      r.alerts.precision === null ? 'n/a' : fmt(r.alerts.precision, 3),
      fmt(r.alerts.false_per_1000_points, 3),
    ];
    if (!withCv) return row;
    const cv = e.cv;
    if (cv === undefined) return [...row, ...cvHeader.map(() => '')];
    const c = (n: NabProfileName) => fmt(cv.profiles.find((p) => p.profile === n)?.normalised, 2);
    const a = cv.detection.alerts;
    return [
      ...row,
      c('standard'),
      c('reward_low_FP_rate'),
      c('reward_low_FN_rate'),
      `${cv.detection.windows.detected}/${cv.detection.windows.total}`,
      a.precision === null ? 'n/a' : fmt(a.precision, 3),
      fmt(a.false_per_1000_points, 3),
    ];
  });
  return table([withCv ? [...header, ...cvHeader] : header, ...rows]);
}
