import type { Command } from 'commander';
import { resolve } from 'node:path';
import { detectionReport } from '../eval/detection-report';
import { DEFAULT_DETECTOR, DETECTORS, findDetector } from '../eval/detector-registry';
import { runDetector } from '../eval/eval-runner';
import { evaluateForecasts, type ForecastMetrics } from '../eval/forecast-eval';
import { DEFAULT_FORECASTER, FORECASTERS, findForecaster } from '../eval/forecaster-registry';
import { fmt, int, pct, table } from '../eval/format';
import { chooseThreshold, prepareCorpus, scoreCorpusAt, type CorpusScore } from '../eval/nab-corpus-score';
import { loadNabDataset, writeResultFile, type NabDataset } from '../eval/nab-dataset';
import { nabDatasetDir } from '../eval/nab-dataset-dir';
import type { ScoredFile } from '../eval/nab-scorer';
import { createProgress } from '../eval/progress';
import { formatNabTable, nabSummary } from './nab-score.command';
import type { RegisterCommand } from './index';

interface EvalOptions {
  detector: string;
  json?: boolean;
  writeResults?: string;
  quantise: boolean;
  labels?: string;
  perFile?: boolean;
  forecast?: boolean;
  forecaster: string;
}

const DEFINITIONS = {
  detection:
    "a scored row (after NAB's probationary period) whose score is >= the threshold optimised for NAB's standard profile",
  window_detected: 'at least one detection inside the labelled window',
  detected_early:
    "first detection before the window's midpoint, i.e. fraction elapsed < 0.5 (windows are centred on the labelled anomaly)",
  fraction_elapsed: '(first detected row - window start) / window width, 0 = on the first row of the window',
  alert: 'a maximal run of consecutive detections in one file',
  false_alert: 'an alert none of whose rows lies inside a window; precision = true alerts / alerts raised',
  false_per_1000_points: 'false alerts per 1,000 scored rows',
};

async function runAnomalyEval(dataset: NabDataset, options: EvalOptions) {
  const spec = findDetector(options.detector);
  const total = dataset.files.reduce((n, f) => n + f.values.length, 0);
  const progress = createProgress(total, 'points');
  let run;
  try {
    run = runDetector(dataset.files, spec.create, {
      quantise: options.quantise,
      onFile: (file, done) => progress.update(done, file.key),
    });
  } finally {
    progress.stop();
  }
  const files: ScoredFile[] = dataset.files.map((f, i) => ({ key: f.key, windows: f.windows, scores: run.scores[i]! }));
  const corpus = prepareCorpus(files);
  const profiles = dataset.profiles.map((p) =>
    scoreCorpusAt(corpus, p, chooseThreshold(corpus, p, { kind: 'sweep' }), 'sweep'),
  );
  const result: CorpusScore = {
    files: files.length,
    rows: total,
    scorableRows: corpus.units.reduce((n, u) => n + Math.max(0, u.windowOf.length - u.probation), 0),
    windows: corpus.windowCount,
    profiles,
  };
  const standard = profiles.find((p) => p.profile === 'standard') ?? profiles[0]!;
  const report = detectionReport(files, corpus.units, standard.threshold);
  if (options.writeResults !== undefined) {
    for (let i = 0; i < dataset.files.length; i++) {
      await writeResultFile(resolve(options.writeResults), spec.name, dataset.files[i]!, run.scores[i]!);
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
    formatNabTable(result),
    '',
    `At the standard-profile threshold ${Number(standard.threshold.toPrecision(12))}:`,
    `  windows  ${w.detected}/${w.total} detected (${pct(w.detected, w.total)}), ${w.detected_early} early (before the window midpoint); fraction of the window elapsed at first detection: mean ${fmt(w.mean_fraction_elapsed)}, median ${fmt(w.median_fraction_elapsed)}`,
    `  alerts   ${int(a.raised)} raised, ${int(a.false)} false, precision ${a.precision === null ? 'n/a' : pct(a.true, a.raised)}; ${fmt(a.false_per_file)} false per file, ${fmt(a.false_per_1000_points, 3)} per 1,000 points; ${a.files_with_false_alerts} files with a false alert`,
    '  (an alert is a run of consecutive detections; it is false if none of its rows is inside a window)',
  ];
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

function forecastRow(name: string, m: ForecastMetrics): string[] {
  return [
    name,
    fmt(m.smape, 2),
    fmt(m.mase, 3),
    m.coverage === null ? 'n/a' : `${fmt(100 * m.coverage, 1)}%`,
    int(m.origins),
    int(m.points),
  ];
}

function runForecastEval(dataset: NabDataset, options: EvalOptions) {
  const spec = findForecaster(options.forecaster);
  const progress = createProgress(dataset.files.length, 'files');
  let result;
  try {
    result = evaluateForecasts(dataset.files, spec.create, { onSeries: (s, done) => progress.update(done, s.key) });
  } finally {
    progress.stop();
  }
  const out = {
    forecaster: spec.name,
    dataset: dataset.dir,
    horizon: '1 day',
    warm_up_days: 3,
    ...result.forecaster,
    seasonal_naive: result.seasonal_naive,
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const f = result.forecaster;
  process.stdout.write(
    [
      `Rolling-origin forecast evaluation of "${spec.name}" (${spec.description})`,
      `${dataset.dir}: ${f.files} files spanning at least 4 days (${f.files_skipped} shorter ones skipped); origins every day after 3 days of history; horizon 1 day; ${Math.round(100 * f.nominal_coverage)}% intervals`,
      '',
      table([
        ['forecaster', 'sMAPE %', 'MASE', 'coverage', 'origins', 'points'],
        forecastRow(spec.name, f),
        ...(spec.name === 'seasonal-naive' ? [] : [forecastRow('seasonal-naive', result.seasonal_naive)]),
      ]),
      '',
      `MASE is scaled by the in-sample MAE of the one-day seasonal-naive forecast; ${f.mase_origins_excluded} origins with a zero scale (flat history) are left out of it.`,
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
    .option('--forecast', 'evaluate 1-day forecasts (sMAPE, MASE, interval coverage) instead of detection')
    .option(
      '--forecaster <name>',
      `forecaster for --forecast: ${FORECASTERS.map((f) => f.name).join(', ')}`,
      DEFAULT_FORECASTER,
    )
    .option('--json', 'print one JSON object')
    .action(async (nabDir: string | undefined, options: EvalOptions) => {
      try {
        const dataset = await loadNabDataset(nabDir === undefined ? nabDatasetDir() : resolve(nabDir), options.labels);
        if (options.forecast) runForecastEval(dataset, options);
        else await runAnomalyEval(dataset, options);
      } catch (error) {
        process.stderr.write(`tideline eval: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      }
    });
};
