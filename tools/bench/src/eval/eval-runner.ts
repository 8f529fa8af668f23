/**
 * Streams every file of a NAB-layout dataset through a detector, the way production sees a series: one fresh
 * instance per file, points in file order, each score produced before the detector learns the point.
 */
import type { PointScorer } from '@tideline/stats';
import type { NabDataFile } from './nab-dataset';

export interface DetectorRun {
  /** Per-file scores, aligned with the dataset's files and rows. */
  readonly scores: readonly Float64Array[];
  readonly points: number;
  /** CPU time of the JavaScript thread spent inside `scoreAndLearn`, in seconds (other processes do not inflate it). */
  readonly seconds: number;
}

export interface RunOptions {
  /**
   * Round each score to 12 significant digits, as NAB's published result CSVs were (SCORING.md §7.1); required for
   * the windowed Gaussian to reproduce its published 39.6, harmless for any other detector.
   */
  readonly quantise?: boolean;
  /** Called after each file with the number of points done so far. */
  readonly onFile?: (file: NabDataFile, pointsDone: number) => void;
}

/** A detector returned a score NAB would reject (outside [0, 1] or not a number). */
export class InvalidScoreError extends Error {
  readonly retriable = false;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidScoreError';
  }
}

export function runDetector(
  files: readonly NabDataFile[],
  create: () => PointScorer,
  options: RunOptions = {},
): DetectorRun {
  const quantise = options.quantise ?? true;
  const scores: Float64Array[] = [];
  let points = 0;
  let micros = 0;
  for (const file of files) {
    const detector = create();
    const n = file.values.length;
    const out = new Float64Array(n);
    const ts = file.timestampsMs;
    const vs = file.values;
    const start = process.threadCpuUsage();
    for (let i = 0; i < n; i++) out[i] = detector.scoreAndLearn(ts[i]!, vs[i]!);
    const used = process.threadCpuUsage(start);
    micros += used.user + used.system;
    for (let i = 0; i < n; i++) {
      const s = out[i]!;
      if (!(s >= 0 && s <= 1)) throw new InvalidScoreError(`${file.key} row ${i}: score ${s} is outside [0, 1]`);
      if (quantise) out[i] = Number(s.toPrecision(12));
    }
    scores.push(out);
    points += n;
    options.onFile?.(file, points);
  }
  return { scores, points, seconds: micros / 1e6 };
}
