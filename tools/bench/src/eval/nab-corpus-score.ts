/**
 * Scores a whole corpus with NAB's rules: per profile, choose the corpus-wide threshold, score every file at it and
 * normalise against the null and perfect detectors. Pure: the caller supplies the per-row scores.
 */
import { normaliseScore } from './nab-normalise';
import type { NabProfile, NabProfileName } from './nab-profiles';
import { rowUnits, scoreFile, type FileScore, type RowUnits, type ScoredFile } from './nab-scorer';
import { bestThreshold, buildSweepPool, scoreAt, sweep, twiddle, type SweepCurve } from './nab-threshold';

/**
 * How the threshold is chosen: `sweep` is NAB v1.1's exhaustive optimum; `twiddle` is v1.0's hill-climb (which
 * produced most published figures); `fixed` uses given thresholds, e.g. the ones NAB stored beside its results.
 */
export type ThresholdMode =
  | { readonly kind: 'sweep' }
  | { readonly kind: 'twiddle' }
  | { readonly kind: 'fixed'; readonly thresholds: Partial<Record<NabProfileName, number>> };

export interface ProfileScore {
  readonly profile: NabProfileName;
  readonly optimiser: ThresholdMode['kind'];
  readonly threshold: number;
  /** Sum of the per-file raw scores at `threshold`. */
  readonly raw: number;
  /** 0 = the null detector, 100 = the perfect detector. */
  readonly normalised: number;
  readonly windows: number;
  readonly windowsDetected: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
  readonly perFile: readonly FileScore[];
}

export interface CorpusScore {
  readonly files: number;
  readonly rows: number;
  readonly scorableRows: number;
  readonly windows: number;
  readonly profiles: readonly ProfileScore[];
}

/** Prepared corpus: per-file row facts and the sorted pool, computed once and reused for every profile. */
export interface PreparedCorpus {
  readonly files: readonly ScoredFile[];
  readonly units: readonly RowUnits[];
  readonly curve: (profile: NabProfile) => SweepCurve;
  readonly windowCount: number;
}

export function prepareCorpus(files: readonly ScoredFile[]): PreparedCorpus {
  const units = files.map((f) => rowUnits(f.scores.length, f.windows));
  let pool: ReturnType<typeof buildSweepPool> | undefined;
  const curves = new Map<string, SweepCurve>();
  return {
    files,
    units,
    windowCount: files.reduce((n, f) => n + f.windows.length, 0),
    curve: (profile) => {
      let c = curves.get(profile.name);
      if (c === undefined) {
        pool ??= buildSweepPool(files.map((f, i) => ({ scores: f.scores, units: units[i]! })));
        c = sweep(pool, profile);
        curves.set(profile.name, c);
      }
      return c;
    },
  };
}

/** Chooses the threshold for one profile according to `mode`. */
export function chooseThreshold(corpus: PreparedCorpus, profile: NabProfile, mode: ThresholdMode): number {
  if (mode.kind === 'fixed') {
    const t = mode.thresholds[profile.name];
    if (t === undefined) throw new Error(`no threshold given for profile ${profile.name}`);
    return t;
  }
  const curve = corpus.curve(profile);
  if (mode.kind === 'sweep') return bestThreshold(curve).threshold;
  return twiddle((t) => scoreAt(curve, t)).threshold;
}

/** Scores every file at one threshold and sums. */
export function scoreCorpusAt(
  corpus: PreparedCorpus,
  profile: NabProfile,
  threshold: number,
  optimiser: ThresholdMode['kind'],
): ProfileScore {
  const perFile = corpus.files.map((f, i) => scoreFile(f, corpus.units[i]!, profile, threshold));
  const sum = (pick: (s: FileScore) => number) => perFile.reduce((n, s) => n + pick(s), 0);
  const raw = sum((s) => s.score);
  return {
    profile: profile.name,
    optimiser,
    threshold,
    raw,
    normalised: normaliseScore(raw, profile, corpus.windowCount),
    windows: sum((s) => s.windows),
    windowsDetected: sum((s) => s.windowsDetected),
    tp: sum((s) => s.tp),
    fp: sum((s) => s.fp),
    fn: sum((s) => s.fn),
    tn: sum((s) => s.tn),
    perFile,
  };
}

/** The full NAB score of a corpus for the given profiles. */
export function scoreCorpus(
  files: readonly ScoredFile[],
  profiles: readonly NabProfile[],
  mode: ThresholdMode = { kind: 'sweep' },
): CorpusScore {
  const corpus = prepareCorpus(files);
  const results = profiles.map((p) => scoreCorpusAt(corpus, p, chooseThreshold(corpus, p, mode), mode.kind));
  return {
    files: files.length,
    rows: files.reduce((n, f) => n + f.scores.length, 0),
    scorableRows: corpus.units.reduce((n, u) => n + Math.max(0, u.windowOf.length - u.probation), 0),
    windows: corpus.windowCount,
    profiles: results,
  };
}
