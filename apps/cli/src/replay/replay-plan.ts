import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { readNabCsv, type HistoricalPoint } from './nab-csv.reader';

/** One file to replay as one series. */
export interface ReplaySeries {
  readonly file: string;
  /** The metric name: `--series`, else the file name without `.csv`. */
  readonly metric: string;
  readonly points: HistoricalPoint[];
  readonly skippedLines: number;
}

/** The CSV files of `path`: the file itself, or every `*.csv` below a directory (recursively, sorted). */
export function listCsvFiles(path: string): string[] {
  const stat = statSync(path);
  if (stat.isFile()) return [path];
  const out: string[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) out.push(...listCsvFiles(full));
    else if (entry.isFile() && extname(entry.name).toLowerCase() === '.csv') out.push(full);
  }
  return out;
}

/** Loads the files. `--series` names a single file's series; with several files it becomes a prefix (`NAME.file`). */
export function loadReplaySeries(path: string, seriesName?: string): ReplaySeries[] {
  const files = listCsvFiles(path);
  if (files.length === 0) throw new Error(`no .csv file in ${path}`);
  return files.map((file) => {
    const { points, skipped } = readNabCsv(readFileSync(file, 'utf8'));
    const stem = metricName(basename(file, extname(file)));
    const metric = seriesName === undefined ? stem : files.length === 1 ? seriesName : `${seriesName}.${stem}`;
    return { file, metric, points, skippedLines: skipped.length };
  });
}

/** A file name as a metric name: characters other than letters, digits, `.`, `_`, `-` become `_`. */
export function metricName(stem: string): string {
  return stem.replace(/[^A-Za-z0-9._-]/g, '_');
}

const WEEK_MS = 7 * 24 * 3600 * 1000;

/**
 * The shift (ms) that moves history by whole weeks so that its latest point lands within the week before `nowMs`:
 * replayed data then passes the consumers' timestamp window (events older than the limit in contracts' LIMITS are
 * rejected) and the alerts' times read as recent, while every point keeps its weekday and time of day, so the
 * series' daily and weekly patterns stay where they were in the calendar and the model judges a replay exactly as
 * `tideline eval` judges the original file. 0 when `keep` is set.
 */
export function timeShift(series: readonly ReplaySeries[], nowMs: number, keep: boolean): number {
  if (keep) return 0;
  let latest = Number.NEGATIVE_INFINITY;
  for (const s of series) {
    const last = s.points[s.points.length - 1];
    if (last !== undefined && last.ts > latest) latest = last.ts;
  }
  return Number.isFinite(latest) ? Math.floor((nowMs - latest) / WEEK_MS) * WEEK_MS : 0;
}
