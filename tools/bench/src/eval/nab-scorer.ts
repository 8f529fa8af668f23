/**
 * NAB v1.1 scoring of one file, as specified in the dataset's SCORING.md §4 (Lavin & Ahmad 2015, arXiv:1510.03336;
 * Ahmad et al. 2017, doi:10.1016/j.neucom.2017.04.070). Pure: no I/O, rows are aligned by index, never by time.
 */
import type { NabProfile } from './nab-profiles';

/** An anomaly window as inclusive row indices [start, end] into its file. */
export interface WindowSpan {
  readonly start: number;
  readonly end: number;
}

/** One file as the scorer sees it: a score per row (probationary rows included) and its windows, in time order. */
export interface ScoredFile {
  /** Path relative to `data/`, e.g. `realKnownCause/nyc_taxi.csv`. */
  readonly key: string;
  readonly scores: ArrayLike<number>;
  readonly windows: readonly WindowSpan[];
}

/** Profile-independent per-row facts from which a detection's value under any profile follows. */
export interface RowUnits {
  /** Rows before this index are probationary: never scored. */
  readonly probation: number;
  /** Index into `windows` of the window containing the row, or -1 outside every window. */
  readonly windowOf: Int32Array;
  /**
   * Inside a window: S(y)/S(−1) in (0, 1] (multiply by A_TP). Outside: S(y) in [−1, 0) after a closed window, or −1
   * before the first window (multiply by A_FP).
   */
  readonly unit: Float64Array;
  /** Whether each window has at least one row at or after the probationary period (only those count). */
  readonly scorable: readonly boolean[];
}

/** Counts and raw score of one file at one threshold; TP/FP/FN/TN count rows, as NAB's score CSVs do. */
export interface FileScore {
  readonly key: string;
  readonly score: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
  readonly rows: number;
  readonly windows: number;
  readonly windowsDetected: number;
}

/**
 * Probationary period: 15% of the file, capped at 15% of 5000 rows = 750 (SCORING.md §4.2, NAB `getProbationPeriod`).
 * @example probationaryPeriod(4032) // 604
 */
export function probationaryPeriod(rows: number, fraction = 0.15): number {
  return Math.min(Math.floor(fraction * rows), fraction * 5000);
}

const SIGMOID_AT_MINUS_ONE = 2 / (1 + Math.exp(-5)) - 1;

/**
 * NAB's scaled sigmoid S(y) = 2/(1 + e^(5y)) − 1 for y ≤ 3, and −1 beyond (SCORING.md §4.4).
 * @example scaledSigmoid(-1) // 0.9866142981514305
 */
export function scaledSigmoid(y: number): number {
  if (y > 3) return -1;
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

/**
 * Computes, for every row of a file, the window it belongs to and the unit value of a detection there
 * (SCORING.md §4.5). The "most recent closed window" is tracked over all rows, probationary ones included.
 * A window of width 1 followed by a detection would divide by zero (w′ − 1 = 0); that detection is valued −1 (a
 * full false positive), a case NAB's own data never reaches. `probation` defaults to NAB's rule.
 */
export function rowUnits(
  rowCount: number,
  windows: readonly WindowSpan[],
  probation = probationaryPeriod(rowCount),
): RowUnits {
  const windowOf = new Int32Array(rowCount).fill(-1);
  const unit = new Float64Array(rowCount);
  let previous = -1;
  for (let k = 0; k < windows.length; k++) {
    const w = windows[k]!;
    if (!(w.start >= 0 && w.end >= w.start && w.end < rowCount)) {
      throw new RangeError(`window ${k} [${w.start}, ${w.end}] is outside the file's ${rowCount} rows`);
    }
    if (w.start <= previous) throw new RangeError(`window ${k} overlaps or precedes window ${k - 1}`);
    previous = w.end;
  }
  let next = 0;
  let lastClosed: WindowSpan | undefined;
  for (let i = 0; i < rowCount; i++) {
    const w = windows[next];
    if (w !== undefined && i >= w.start) {
      const width = w.end - w.start + 1;
      windowOf[i] = next;
      unit[i] = scaledSigmoid(-(w.end - i + 1) / width) / SIGMOID_AT_MINUS_ONE;
      if (i === w.end) {
        lastClosed = w;
        next++;
      }
    } else if (lastClosed === undefined) {
      unit[i] = -1;
    } else {
      const width = lastClosed.end - lastClosed.start + 1;
      unit[i] = width > 1 ? scaledSigmoid((i - lastClosed.end) / (width - 1)) : -1;
    }
  }
  return { probation, windowOf, unit, scorable: windows.map((w) => w.end >= probation) };
}

/**
 * Raw NAB score of one file at threshold θ (SCORING.md §4.6): each scorable window contributes its earliest
 * detection's value or −A_FN; each detection outside windows adds its own (negative) value.
 */
export function scoreFile(file: ScoredFile, units: RowUnits, profile: NabProfile, threshold: number): FileScore {
  const { scores } = file;
  const n = units.windowOf.length;
  if (scores.length !== n) throw new RangeError(`${file.key}: ${scores.length} scores for ${n} rows`);
  const detected = new Uint8Array(file.windows.length);
  let score = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = units.probation; i < n; i++) {
    const w = units.windowOf[i]!;
    if (scores[i]! >= threshold) {
      if (w >= 0) {
        tp++;
        if (detected[w] === 0) {
          detected[w] = 1;
          score += profile.tpWeight * units.unit[i]!;
        }
      } else {
        fp++;
        score += profile.fpWeight * units.unit[i]!;
      }
    } else if (w >= 0) fn++;
    else tn++;
  }
  let windows = 0;
  let windowsDetected = 0;
  for (let k = 0; k < file.windows.length; k++) {
    if (!units.scorable[k]) continue;
    windows++;
    if (detected[k] === 1) windowsDetected++;
    else score -= profile.fnWeight;
  }
  return { key: file.key, score, tp, fp, fn, tn, rows: n, windows, windowsDetected };
}
