/**
 * One detector over a NAB-layout dataset: the in-sample NAB score (NAB's own procedure: the corpus-wide threshold
 * optimised per profile on the whole corpus) with the operator figures at each profile's threshold, and, on
 * request, the k-fold cross-validated score (see cross-validate.ts). No printing.
 */
import { crossValidate, type CrossValidation, type CvCategoryScore } from './cross-validate';
import { categoryOf, stratifiedFolds } from './cv-folds';
import { detectionReport, type DetectionReport, type FileDetections } from './detection-report';
import type { DetectorSpec } from './detector-registry';
import { runDetector, type DetectorRun } from './eval-runner';
import { chooseThreshold, prepareCorpus, scoreCorpusAt, type CorpusScore } from './nab-corpus-score';
import type { NabDataset } from './nab-dataset';
import { normaliseScore } from './nab-normalise';
import type { NabProfileName } from './nab-profiles';
import type { ScoredFile } from './nab-scorer';

export interface CvRequest {
  readonly folds: number;
  readonly seed: number;
}

export interface DetectionEvalOptions {
  /** Round scores to 12 significant digits, as NAB's result files were (see eval-runner). */
  readonly quantise: boolean;
  readonly cv?: CvRequest;
  /** Progress: points streamed so far over every run of this evaluation, and the file being run. */
  readonly onPoints?: (done: number, label: string) => void;
}

export interface CrossValidated extends CrossValidation {
  readonly seed: number;
  /** Labels of the grid settings, in grid order (the first is the default configuration). */
  readonly grid: readonly string[];
}

export interface DetectionEvaluation {
  readonly spec: DetectorSpec;
  readonly run: DetectorRun;
  readonly files: readonly ScoredFile[];
  readonly result: CorpusScore;
  /** Operator figures at the standard profile's threshold, with the per-file breakdown. */
  readonly report: DetectionReport & { readonly perFile: readonly FileDetections[] };
  /** Operator figures at each profile's own threshold. */
  readonly reportByProfile: Readonly<Record<NabProfileName, DetectionReport>>;
  /** In-sample NAB score per category and profile (each at the corpus-wide threshold of that profile). */
  readonly byCategory: Readonly<Record<NabProfileName, readonly CvCategoryScore[]>>;
  readonly cv?: CrossValidated;
}

/** Points one evaluation streams: the corpus once, plus once per further grid setting with cross-validation. */
export function pointsToRun(dataset: NabDataset, spec: DetectorSpec, cv: CvRequest | undefined): number {
  const points = dataset.files.reduce((n, f) => n + f.values.length, 0);
  return points * (cv === undefined ? 1 : spec.grid.length);
}

export function evaluateDetection(
  dataset: NabDataset,
  spec: DetectorSpec,
  options: DetectionEvalOptions,
): DetectionEvaluation {
  let before = 0;
  const runOnce = (create: DetectorSpec['create'], label: string) => {
    const start = before;
    const run = runDetector(dataset.files, create, {
      quantise: options.quantise,
      onFile: (file, done) => options.onPoints?.(start + done, `${label} ${file.key}`),
    });
    before += run.points;
    return run;
  };
  const run = runOnce(spec.create, spec.name);
  const files: ScoredFile[] = dataset.files.map((f, i) => ({ key: f.key, windows: f.windows, scores: run.scores[i]! }));
  const corpus = prepareCorpus(files);
  const profiles = dataset.profiles.map((p) =>
    scoreCorpusAt(corpus, p, chooseThreshold(corpus, p, { kind: 'sweep' }), 'sweep'),
  );
  const result: CorpusScore = {
    files: files.length,
    rows: run.points,
    scorableRows: corpus.units.reduce((n, u) => n + Math.max(0, u.windowOf.length - u.probation), 0),
    windows: corpus.windowCount,
    profiles,
  };
  const reportByProfile = Object.fromEntries(
    profiles.map((p) => [p.profile, detectionReport(files, corpus.units, p.threshold)]),
  ) as Record<NabProfileName, DetectionReport & { perFile: readonly FileDetections[] }>;
  const standard = profiles.find((p) => p.profile === 'standard') ?? profiles[0]!;
  const report = reportByProfile[standard.profile];
  const categories = [...new Set(files.map((f) => categoryOf(f.key)))].sort();
  const byCategory = Object.fromEntries(
    dataset.profiles.map((profile) => {
      const perFile = profiles.find((p) => p.profile === profile.name)!.perFile;
      return [
        profile.name,
        categories.map((category) => {
          const members = files.filter((f) => categoryOf(f.key) === category);
          const windows = members.reduce((n, f) => n + f.windows.length, 0);
          const raw = perFile.filter((f) => categoryOf(f.key) === category).reduce((n, f) => n + f.score, 0);
          const normalised = windows === 0 ? null : normaliseScore(raw, profile, windows);
          return { category, files: members.length, windows, raw, normalised };
        }),
      ];
    }),
  ) as Record<NabProfileName, CvCategoryScore[]>;
  let cv: CrossValidated | undefined;
  if (options.cv !== undefined) {
    // The grid's first setting is the default configuration: its scores are the run above.
    const scoresBySetting = [
      run.scores,
      ...spec.grid.slice(1).map((setting) => runOnce(setting.create, `${spec.name} ${setting.label}`).scores),
    ];
    const folds = stratifiedFolds(
      dataset.files.map((f) => f.key),
      options.cv.folds,
      options.cv.seed,
    );
    const cvFiles = dataset.files.map((f) => ({ key: f.key, rows: f.values.length, windows: f.windows }));
    cv = {
      ...crossValidate(cvFiles, scoresBySetting, folds, options.cv.folds, dataset.profiles),
      seed: options.cv.seed,
      grid: spec.grid.map((g) => g.label),
    };
  }
  return { spec, run, files, result, report, reportByProfile, byCategory, ...(cv === undefined ? {} : { cv }) };
}
