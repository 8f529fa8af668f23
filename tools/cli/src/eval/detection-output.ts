/** The `--json` shapes and the human tables of `tideline eval` (detection). */
import type { CrossValidated, DetectionEvaluation } from './detection-eval';
import { fmt, int, pct, table } from './format';
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

/** The cross-validated scores beside the in-sample ones, the figures at the standard choices, and each fold's choice. */
export function formatCrossValidation(ev: DetectionEvaluation, cv: CrossValidated): string {
  const inSample = (n: NabProfileName) => ev.result.profiles.find((p) => p.profile === n)!;
  const a = cv.detection.alerts;
  const w = cv.detection.windows;
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
