/**
 * Reading (and writing) datasets in NAB layout: `data/<category>/<file>.csv`, `labels/combined_windows.json`,
 * optionally `config/profiles.json`, and detector outputs `results/<det>/<category>/<det>_<file>.csv`.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { join, basename, dirname, relative, sep } from 'node:path';
import { normaliseTimestamp, numericColumn, parseCsv, stringColumn, timestampToMs } from './nab-csv';
import { NAB_PROFILES, NAB_PROFILE_NAMES, type NabProfile, type NabProfileName } from './nab-profiles';
import type { WindowSpan } from './nab-scorer';

export interface NabDataFile {
  /** Path relative to `data/` with forward slashes, e.g. `realKnownCause/nyc_taxi.csv`. */
  readonly key: string;
  readonly timestamps: readonly string[];
  readonly timestampsMs: Float64Array;
  readonly values: Float64Array;
  readonly windows: readonly WindowSpan[];
}

export interface NabDataset {
  readonly dir: string;
  readonly files: readonly NabDataFile[];
  readonly profiles: readonly NabProfile[];
}

/** A dataset-level problem the user must fix (bad path, missing file, label that matches no row). */
export class NabDatasetError extends Error {
  readonly retriable = false;
  constructor(message: string) {
    super(message);
    this.name = 'NabDatasetError';
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** A result CSV may be stored gzipped (`<name>.csv.gz`, as the corpus shipped in datasets/nab keeps NAB's results). */
const GZ = '.gz';

async function readText(path: string): Promise<string> {
  const bytes = await readFile(path);
  return (path.endsWith(GZ) ? gunzipSync(bytes) : bytes).toString('utf8');
}

async function listCsv(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listCsv(full)));
    else if (entry.name.endsWith('.csv')) out.push(full);
  }
  return out;
}

/** Reads `labels/combined_windows.json`: data-file key → windows as [start, end] timestamp strings. */
export async function readWindowLabels(nabDir: string, labelsFile = 'labels/combined_windows.json') {
  const path = join(nabDir, labelsFile);
  if (!(await exists(path))) throw new NabDatasetError(`${path} not found: is ${nabDir} a dataset in NAB layout?`);
  const parsed = JSON.parse(await readFile(path, 'utf8')) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new NabDatasetError(`${path}: expected an object of file → windows`);
  }
  const out = new Map<string, [string, string][]>();
  for (const [key, windows] of Object.entries(parsed)) {
    if (!Array.isArray(windows) || !windows.every((w) => Array.isArray(w) && w.length === 2)) {
      throw new NabDatasetError(`${path}: "${key}" is not a list of [start, end] pairs`);
    }
    out.set(key, windows as [string, string][]);
  }
  return out;
}

/** Profiles from `config/profiles.json` when the dataset has one, else NAB v1.1's built-in weights. */
export async function readProfiles(nabDir: string): Promise<readonly NabProfile[]> {
  const path = join(nabDir, 'config', 'profiles.json');
  if (!(await exists(path))) return NAB_PROFILES;
  const parsed = JSON.parse(await readFile(path, 'utf8')) as Record<
    string,
    { CostMatrix?: { tpWeight?: number; fpWeight?: number; fnWeight?: number } }
  >;
  return NAB_PROFILE_NAMES.map((name) => {
    const m = parsed[name]?.CostMatrix;
    if (m?.tpWeight === undefined || m.fpWeight === undefined || m.fnWeight === undefined) {
      throw new NabDatasetError(`${path}: profile "${name}" lacks tpWeight/fpWeight/fnWeight`);
    }
    return { name, tpWeight: m.tpWeight, fpWeight: m.fpWeight, fnWeight: m.fnWeight };
  });
}

/** Turns [start, end] timestamp labels into row indices: L = the row equal to start, R = the first row equal to end. */
export function windowSpans(
  key: string,
  timestamps: readonly string[],
  labels: readonly [string, string][],
): WindowSpan[] {
  const first = new Map<string, number>();
  timestamps.forEach((t, i) => {
    const k = normaliseTimestamp(t);
    if (!first.has(k)) first.set(k, i);
  });
  return labels.map(([startText, endText]) => {
    const start = first.get(normaliseTimestamp(startText));
    const end = first.get(normaliseTimestamp(endText));
    if (start === undefined || end === undefined) {
      throw new NabDatasetError(`${key}: window [${startText}, ${endText}] does not match a row's timestamp`);
    }
    return { start, end };
  });
}

/**
 * Loads every labelled data file of a NAB-layout dataset, in a stable (sorted) order. Every `data/**.csv` must have
 * an entry in the labels file and vice versa, so that no file is silently left out of a score.
 */
export async function loadNabDataset(nabDir: string, labelsFile?: string): Promise<NabDataset> {
  const labels = await readWindowLabels(nabDir, labelsFile);
  const dataDir = join(nabDir, 'data');
  if (!(await exists(dataDir)))
    throw new NabDatasetError(`${dataDir} not found: is ${nabDir} a dataset in NAB layout?`);
  const onDisk = (await listCsv(dataDir)).map((p) => relative(dataDir, p).split(sep).join('/'));
  const unlabelled = onDisk.filter((k) => !labels.has(k));
  if (unlabelled.length > 0) {
    throw new NabDatasetError(`data files without an entry in the labels file: ${unlabelled.slice(0, 5).join(', ')}`);
  }
  const keys = [...labels.keys()].sort();
  const files: NabDataFile[] = [];
  for (const key of keys) {
    const path = join(dataDir, key);
    if (!(await exists(path))) throw new NabDatasetError(`labels name ${key}, but ${path} does not exist`);
    const table = parseCsv(await readFile(path, 'utf8'), path);
    const timestamps = stringColumn(table, 'timestamp', path);
    const values = numericColumn(table, 'value', path);
    const timestampsMs = Float64Array.from(timestamps, (t) => timestampToMs(t));
    files.push({ key, timestamps, timestampsMs, values, windows: windowSpans(key, timestamps, labels.get(key)!) });
  }
  return { dir: nabDir, files, profiles: await readProfiles(nabDir) };
}

/**
 * Finds a detector's output for a data file: `<resultsDir>/<category>/<anything>_<file>.csv` or `.../<file>.csv`,
 * each also gzipped (`.csv.gz`).
 */
async function findResultFile(resultsDir: string, key: string): Promise<string | undefined> {
  const dir = join(resultsDir, dirname(key));
  const name = basename(key);
  if (!(await exists(dir))) return undefined;
  const entries = await readdir(dir);
  for (const exact of [name, name + GZ]) if (entries.includes(exact)) return join(dir, exact);
  const matches = entries.filter((e) => e.endsWith(`_${name}`) || e.endsWith(`_${name}${GZ}`));
  if (matches.length > 1) throw new NabDatasetError(`${dir}: several results match ${name}: ${matches.join(', ')}`);
  return matches[0] === undefined ? undefined : join(dir, matches[0]);
}

/** Reads a detector's per-row `anomaly_score` for a data file; the row count must match the data file's. */
export async function readResultScores(resultsDir: string, file: NabDataFile): Promise<Float64Array> {
  const path = await findResultFile(resultsDir, file.key);
  if (path === undefined) throw new NabDatasetError(`${resultsDir}: no result file for ${file.key}`);
  const scores = numericColumn(parseCsv(await readText(path), path), 'anomaly_score', path);
  if (scores.length !== file.values.length) {
    throw new NabDatasetError(`${path}: ${scores.length} rows, but ${file.key} has ${file.values.length}`);
  }
  for (let i = 0; i < scores.length; i++) {
    if (scores[i]! < 0 || scores[i]! > 1) throw new NabDatasetError(`${path}:${i + 2}: anomaly_score outside [0, 1]`);
  }
  return scores;
}

/**
 * Thresholds NAB stored beside a detector's outputs (`<det>_<profile>_scores.csv`, column `Threshold`), used to
 * rescore published results exactly as they were scored.
 */
export async function readStoredThresholds(resultsDir: string): Promise<Partial<Record<NabProfileName, number>>> {
  const out: Partial<Record<NabProfileName, number>> = {};
  const entries = await readdir(resultsDir);
  for (const name of NAB_PROFILE_NAMES) {
    const file = entries.find((e) => e.endsWith(`_${name}_scores.csv`) || e.endsWith(`_${name}_scores.csv${GZ}`));
    if (file === undefined) continue;
    const table = parseCsv(await readText(join(resultsDir, file)), file);
    const thresholds = numericColumn({ header: table.header, rows: table.rows.slice(0, 1) }, 'Threshold', file);
    if (thresholds[0] !== undefined) out[name] = thresholds[0];
  }
  return out;
}

/** Writes one detector output in NAB layout (`timestamp,value,anomaly_score,label`; label 1 inside a window). */
export async function writeResultFile(
  outDir: string,
  detectorName: string,
  file: NabDataFile,
  scores: ArrayLike<number>,
): Promise<string> {
  const path = join(outDir, detectorName, dirname(file.key), `${detectorName}_${basename(file.key)}`);
  await mkdir(dirname(path), { recursive: true });
  const inside = new Uint8Array(file.values.length);
  for (const w of file.windows) inside.fill(1, w.start, w.end + 1);
  const lines = ['timestamp,value,anomaly_score,label'];
  for (let i = 0; i < file.values.length; i++) {
    lines.push(`${file.timestamps[i]},${file.values[i]},${scores[i]},${inside[i]}`);
  }
  await writeFile(path, lines.join('\n') + '\n');
  return path;
}
