import type { Command } from 'commander';
import { basename, resolve } from 'node:path';
import { scoreCorpus, type CorpusScore, type ThresholdMode } from '../eval/nab-corpus-score';
import { loadNabDataset, readResultScores, readStoredThresholds } from '../eval/nab-dataset';
import { nabDatasetDir } from '../eval/nab-dataset-dir';
import { fmt, int, table } from '../eval/format';
import { profileShortName } from '../eval/nab-profiles';
import type { ScoredFile } from '../eval/nab-scorer';
import type { RegisterCommand } from '@tideline/cli';

interface NabScoreOptions {
  dataset?: string;
  json?: boolean;
  optimiser: string;
  thresholds?: string;
  labels?: string;
  perFile?: boolean;
}

/** The `--json` shape shared by `nab-score` and `eval`: normalised scores keyed by short profile names, and details. */
export function nabSummary(result: CorpusScore) {
  const by = <T>(pick: (p: CorpusScore['profiles'][number]) => T) =>
    Object.fromEntries(result.profiles.map((p) => [profileShortName(p.profile), pick(p)]));
  return {
    nab: by((p) => p.normalised),
    nab_raw: by((p) => p.raw),
    thresholds: by((p) => p.threshold),
    optimiser: result.profiles[0]?.optimiser ?? 'sweep',
    counts: by((p) => ({
      windows_detected: p.windowsDetected,
      tp_rows: p.tp,
      fp_rows: p.fp,
      fn_rows: p.fn,
      tn_rows: p.tn,
    })),
  };
}

export function formatNabTable(result: CorpusScore): string {
  return table([
    ['profile', 'threshold', 'raw', 'score', 'windows hit', 'TP rows', 'FP rows'],
    ...result.profiles.map((p) => [
      p.profile,
      String(Number(p.threshold.toPrecision(12))),
      fmt(p.raw, 4),
      fmt(p.normalised, 2),
      `${p.windowsDetected}/${p.windows}`,
      int(p.tp),
      int(p.fp),
    ]),
  ]);
}

/** `tideline nab-score <results-dir> [--dataset <nab-dir>]`: NAB scoring of a folder of NAB-layout result CSVs. */
export const registerNabScoreCommand: RegisterCommand = (program: Command) => {
  program
    .command('nab-score')
    .description('score a folder of NAB-layout result CSVs (per-row anomaly_score) with NAB v1.1 scoring')
    .argument('<results-dir>', "one detector's results, e.g. NAB's results/numenta (<category>/<det>_<file>.csv)")
    .option(
      '--dataset <nab-dir>',
      'the NAB-layout dataset (data/, labels/combined_windows.json); default: the NAB corpus in datasets/nab',
    )
    .option(
      '--optimiser <name>',
      'threshold choice: sweep (NAB v1.1, exhaustive) or twiddle (NAB v1.0 hill-climb)',
      'sweep',
    )
    .option('--thresholds <source>', '"stored": use the thresholds in <results-dir>/*_<profile>_scores.csv instead')
    .option('--labels <file>', 'windows file relative to the dataset', 'labels/combined_windows.json')
    .option('--per-file', "also print each file's raw score under the standard profile")
    .option('--json', 'print one JSON object')
    .action(async (resultsDir: string, options: NabScoreOptions) => {
      try {
        const dir = resolve(resultsDir);
        const datasetDir = options.dataset === undefined ? nabDatasetDir() : resolve(options.dataset);
        const dataset = await loadNabDataset(datasetDir, options.labels);
        let mode: ThresholdMode;
        if (options.thresholds === 'stored') {
          mode = { kind: 'fixed', thresholds: await readStoredThresholds(dir) };
        } else if (options.thresholds !== undefined) {
          throw new Error(`--thresholds accepts only "stored", got "${options.thresholds}"`);
        } else if (options.optimiser === 'sweep' || options.optimiser === 'twiddle') {
          mode = { kind: options.optimiser };
        } else {
          throw new Error(`--optimiser must be "sweep" or "twiddle", got "${options.optimiser}"`);
        }
        const files: ScoredFile[] = [];
        for (const f of dataset.files)
          files.push({ key: f.key, windows: f.windows, scores: await readResultScores(dir, f) });
        const result = scoreCorpus(files, dataset.profiles, mode);
        if (options.json) {
          const out = {
            results: dir,
            detector: basename(dir),
            files: result.files,
            rows: result.rows,
            scorable_rows: result.scorableRows,
            windows: result.windows,
            ...nabSummary(result),
            ...(options.perFile
              ? { per_file: Object.fromEntries(result.profiles[0]!.perFile.map((f) => [f.key, f.score])) }
              : {}),
          };
          process.stdout.write(`${JSON.stringify(out)}\n`);
          return;
        }
        const lines = [
          `NAB score of ${dir}`,
          `${result.files} files, ${int(result.rows)} rows (${int(result.scorableRows)} after probation), ${result.windows} windows; threshold: ${mode.kind === 'fixed' ? 'stored' : mode.kind}`,
          '',
          formatNabTable(result),
        ];
        if (options.perFile) {
          lines.push(
            '',
            table([
              ['file (standard)', 'raw', 'TP', 'FP'],
              ...result.profiles[0]!.perFile.map((f) => [f.key, fmt(f.score, 4), int(f.tp), int(f.fp)]),
            ]),
          );
        }
        process.stdout.write(`${lines.join('\n')}\n`);
      } catch (error) {
        process.stderr.write(`tideline nab-score: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      }
    });
};
