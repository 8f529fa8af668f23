import type { Command } from 'commander';
import { resolve } from 'node:path';
import { evaluateDetection, pointsToRun, type CvRequest, type DetectionEvaluation } from '../eval/detection-eval';
import {
  compareEntryJson,
  crossValidatedJson,
  DEFINITIONS,
  formatCategoryComparison,
  formatComparison,
  formatCrossValidation,
  formatProfileTable,
} from '../eval/detection-output';
import { DEFAULT_CV_SEED } from '../eval/cv-folds';
import { DEFAULT_DETECTOR, DETECTORS, findDetector, type DetectorSpec } from '../eval/detector-registry';
import { ALL_FORECASTERS, evaluateForecastRequest, forecastJson, formatForecastTable } from '../eval/forecast-output';
import { DEFAULT_FORECASTER, FORECASTERS } from '../eval/forecaster-registry';
import { datasetRate, falseAlertReport } from '../eval/false-alert-rates';
import { runDetector } from '../eval/eval-runner';
import { fmt, int, pct, table } from '../eval/format';
import { loadNabDataset, writeResultFile, type NabDataset } from '../eval/nab-dataset';
import { nabDatasetDir } from '../eval/nab-dataset-dir';
import { createProgress } from '../eval/progress';
import { nabSummary } from './nab-score.command';
import type { RegisterCommand } from '@tideline/cli';

interface EvalOptions {
  detector: string;
  json?: boolean;
  writeResults?: string;
  quantise: boolean;
  labels?: string;
  perFile?: boolean;
  cv?: string;
  seed: string;
  compare?: boolean;
  forecast?: boolean;
  forecaster: string;
  falseAlerts?: boolean;
}

/** `--cv K` and `--seed N` as numbers; a bad value stops the command with a message naming the option. */
function cvRequest(options: EvalOptions): CvRequest | undefined {
  if (options.cv === undefined) return undefined;
  const folds = Number(options.cv);
  if (!Number.isInteger(folds) || folds < 2) throw new Error(`--cv must be an integer ≥ 2, got "${options.cv}"`);
  const seed = Number(options.seed);
  if (!Number.isInteger(seed) || seed < 0)
    throw new Error(`--seed must be a non-negative integer, got "${options.seed}"`);
  return { folds, seed };
}

/** Runs one or more detectors with one progress bar over every point streamed. */
function evaluateAll(dataset: NabDataset, specs: readonly DetectorSpec[], options: EvalOptions) {
  const cv = cvRequest(options);
  const total = specs.reduce((n, spec) => n + pointsToRun(dataset, spec, cv), 0);
  const progress = createProgress(total, 'points');
  const out: DetectionEvaluation[] = [];
  let before = 0;
  try {
    for (const spec of specs) {
      const start = before;
      const ev = evaluateDetection(dataset, spec, {
        quantise: options.quantise,
        ...(cv === undefined ? {} : { cv }),
        onPoints: (done, label) => progress.update(start + done, label),
      });
      before += pointsToRun(dataset, spec, cv);
      out.push(ev);
    }
  } finally {
    progress.stop();
  }
  return out;
}

async function runAnomalyEval(dataset: NabDataset, options: EvalOptions) {
  const spec = findDetector(options.detector);
  const [ev] = evaluateAll(dataset, [spec], options);
  const { run, result, report, files } = ev!;
  const standard = result.profiles.find((p) => p.profile === 'standard') ?? result.profiles[0]!;
  if (options.writeResults !== undefined) {
    for (let i = 0; i < dataset.files.length; i++) {
      await writeResultFile(resolve(options.writeResults), spec.name, dataset.files[i]!, files[i]!.scores);
    }
  }
  const { perFile, ...detection } = report;
  const out = {
    detector: spec.name,
    dataset: dataset.dir,
    files: result.files,
    points: result.rows,
    scored_points: result.scorableRows,
    ...nabSummary(result),
    windows: detection.windows,
    alerts: detection.alerts,
    rows: detection.rows,
    alert_threshold: detection.threshold,
    detector_cpu_seconds: run.seconds,
    detector_points_per_cpu_second: run.seconds > 0 ? run.points / run.seconds : null,
    quantised_to_12_digits: options.quantise,
    ...(ev!.cv === undefined ? {} : { cross_validated: crossValidatedJson(ev!.cv) }),
    definitions: DEFINITIONS,
    ...(options.perFile ? { per_file: perFile } : {}),
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const w = detection.windows;
  const a = detection.alerts;
  const lines = [
    `NAB evaluation of detector "${spec.name}" (${spec.description})`,
    `${dataset.dir}: ${result.files} files, ${int(result.rows)} points (${int(result.scorableRows)} scored after probation), ${result.windows} windows`,
    `detector CPU time ${fmt(run.seconds, 2)} s (${int(run.points / Math.max(run.seconds, 1e-9))} points per CPU-second)`,
    '',
    formatProfileTable(ev!),
    "(alerts, precision and false alerts per 1,000 scored points at each profile's threshold)",
    '',
    `At the standard-profile threshold ${Number(standard.threshold.toPrecision(12))}:`,
    `  windows  ${w.detected}/${w.total} detected (${pct(w.detected, w.total)}), ${w.detected_early} early (before the window midpoint); fraction of the window elapsed at first detection: mean ${fmt(w.mean_fraction_elapsed)}, median ${fmt(w.median_fraction_elapsed)}`,
    `  alerts   ${int(a.raised)} raised, ${int(a.false)} false, precision ${a.precision === null ? 'n/a' : pct(a.true, a.raised)}; ${fmt(a.false_per_file)} false per file, ${fmt(a.false_per_1000_points, 3)} per 1,000 points; ${a.files_with_false_alerts} files with a false alert`,
    '  (an alert is a run of consecutive detections; it is false if none of its rows is inside a window)',
  ];
  if (ev!.cv !== undefined) lines.push('', formatCrossValidation(ev!, ev!.cv));
  if (options.perFile) {
    lines.push(
      '',
      table([
        ['file', 'windows hit', 'alerts', 'false'],
        ...perFile.map((f) => [f.key, `${f.windowsDetected}/${f.windows}`, int(f.alerts), int(f.falseAlerts)]),
      ]),
    );
  }
  if (options.writeResults !== undefined)
    lines.push('', `result CSVs written under ${resolve(options.writeResults, spec.name)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** `--compare`: every compared detector (the default, the peers, the windowed Gaussian) side by side. */
function runComparison(dataset: NabDataset, options: EvalOptions) {
  const evs = evaluateAll(
    dataset,
    DETECTORS.filter((d) => d.compared),
    options,
  );
  const first = evs[0]!.result;
  if (options.json) {
    const out = {
      dataset: dataset.dir,
      files: first.files,
      points: first.rows,
      scored_points: first.scorableRows,
      windows: first.windows,
      quantised_to_12_digits: options.quantise,
      detectors: evs.map(compareEntryJson),
      definitions: DEFINITIONS,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const cv = evs[0]!.cv;
  process.stdout.write(
    [
      `NAB evaluation of every detector side by side`,
      `${dataset.dir}: ${first.files} files, ${int(first.rows)} points (${int(first.scorableRows)} scored after probation), ${first.windows} windows`,
      '',
      formatComparison(evs),
      ...(cv === undefined ? [] : ['', formatCategoryComparison(evs)]),
      '',
      "NAB scores are normalised (0 = never detect, 100 = every window on its first row); windows, precision (true alerts / alerts) and false alerts per 1,000 scored points are at the standard profile's threshold.",
      cv === undefined
        ? "In-sample: each threshold optimised on the whole corpus (NAB's procedure). Add --cv K for out-of-sample figures."
        : `CV: ${cv.folds} folds of files stratified by category, seed ${cv.seed}; each detector's grid setting and threshold chosen on the training folds only (grids: tideline eval --detector <name> --cv ${cv.folds}).`,
    ].join('\n') + '\n',
  );
}

/** `--forecast`: the forecaster(s) at 1 hour, 1 day and 7 days; `--forecaster all` or `--compare`: every one. */
function runForecastEval(dataset: NabDataset, options: EvalOptions) {
  const requested = options.compare ? ALL_FORECASTERS : options.forecaster;
  const progress = createProgress(dataset.files.length, 'files');
  let ev;
  try {
    ev = evaluateForecastRequest(dataset.dir, dataset.files, requested, (s, done) => progress.update(done, s.key));
  } finally {
    progress.stop();
  }
  process.stdout.write(options.json ? `${JSON.stringify(forecastJson(ev))}\n` : `${formatForecastTable(ev)}\n`);
}

/**
 * `--false-alerts`: false alerts per 1,000 points in a series' first 200 points and after, with the default detector:
 * white noise at low, medium and high; the dataset at medium; a synthetic fleet started cold and from the fleet prior.
 */
function runFalseAlerts(dataset: NabDataset, options: EvalOptions) {
  const spec = findDetector(DEFAULT_DETECTOR);
  const run = runDetector(dataset.files, spec.create, { quantise: options.quantise });
  const files = dataset.files.map((f, i) => ({ scores: run.scores[i]!, windows: f.windows }));
  const report = falseAlertReport(datasetRate(`${dataset.dir} (${files.length} files)`, files));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const rows = [
    ['source', 'level', `first ${report.first_points}`, 'after', 'all', `incidents in first ${report.first_points}`],
    ...report.rates.map((r) => [
      r.source,
      r.level,
      fmt(r.first.per_1000_points),
      fmt(r.after.per_1000_points),
      fmt(r.all.per_1000_points),
      r.early_incidents === undefined ? '' : `${r.early_incidents.detected}/${r.early_incidents.total} detected`,
    ]),
  ];
  process.stdout.write(
    [
      `False alerts per 1,000 points, in a series' first ${report.first_points} points and after (detector "${spec.name}")`,
      '',
      table(rows),
      '',
      "An alert is a run of points at or above the sensitivity's fire level; it is false when no point of it lies in a labelled window (white noise has none). Every point counts (no probationary period).",
      "Synthetic fleet: one labelled 12-point level shift of 8 spreads per series; half of each metric's hosts teach its fleet prior, the other half are scored cold and from that prior.",
    ].join('\n') + '\n',
  );
}

/** `tideline eval [nab-dir]`: runs a detector (or, with --forecast, a forecaster) over a NAB-layout dataset. */
export const registerEvalCommand: RegisterCommand = (program: Command) => {
  program
    .command('eval')
    .description('run a detector over every file of a NAB-layout dataset and score it (NAB profiles, windows, alerts)')
    .argument(
      '[nab-dir]',
      'dataset in NAB layout: data/**.csv and labels/combined_windows.json (default: the NAB corpus in datasets/nab)',
    )
    .option('--detector <name>', `detector to run: ${DETECTORS.map((d) => d.name).join(', ')}`, DEFAULT_DETECTOR)
    .option('--write-results <dir>', 'also write NAB-layout result CSVs under <dir>/<detector>/')
    .option('--no-quantise', 'keep full-precision scores (by default they are rounded to 12 digits, like NAB results)')
    .option('--labels <file>', 'windows file relative to the dataset', 'labels/combined_windows.json')
    .option('--per-file', 'add per-file windows and alerts')
    .option(
      '--cv <k>',
      "also score out-of-sample: k folds of files stratified by category; per fold the setting (from the detector's grid) and threshold are chosen on the training folds",
    )
    .option('--seed <n>', 'seed of the --cv fold assignment', String(DEFAULT_CV_SEED))
    .option('--compare', 'run every detector (default, peers, windowed Gaussian) and print them side by side')
    .option(
      '--forecast',
      'evaluate forecasts 1 hour, 1 day and 7 days ahead (sMAPE, MASE, interval coverage) instead of detection',
    )
    .option(
      '--forecaster <name>',
      `forecaster for --forecast: ${[...FORECASTERS.map((f) => f.name), ALL_FORECASTERS].join(', ')} (all: side by side, as --compare)`,
      DEFAULT_FORECASTER,
    )
    .option(
      '--false-alerts',
      "false alerts per 1,000 points in a series' first 200 points vs after: white noise (low, medium, high), the dataset, a synthetic fleet cold and from the fleet prior",
    )
    .option('--json', 'print one JSON object')
    .action(async (nabDir: string | undefined, options: EvalOptions) => {
      try {
        const dataset = await loadNabDataset(nabDir === undefined ? nabDatasetDir() : resolve(nabDir), options.labels);
        if (options.forecast) runForecastEval(dataset, options);
        else if (options.falseAlerts) runFalseAlerts(dataset, options);
        else if (options.compare) runComparison(dataset, options);
        else await runAnomalyEval(dataset, options);
      } catch (error) {
        process.stderr.write(`tideline eval: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      }
    });
};
