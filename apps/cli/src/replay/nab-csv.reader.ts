/** One historical point: event time (epoch ms) and value. */
export interface HistoricalPoint {
  readonly ts: number;
  readonly value: number;
}

export interface CsvReadResult {
  readonly points: HistoricalPoint[];
  /** Lines that are neither the header nor a valid point, with their 1-based line numbers. */
  readonly skipped: { readonly line: number; readonly text: string }[];
}

/**
 * Reads a CSV in the layout of the Numenta Anomaly Benchmark: a `timestamp,value` header, then one point per line, the
 * timestamp as `YYYY-MM-DD HH:MM:SS` (UTC, NAB's convention), ISO 8601, or epoch seconds/milliseconds. Blank lines are
 * ignored; malformed lines are reported, not fatal. Points are returned sorted by time (stable).
 *
 * @example readNabCsv('timestamp,value\n2014-04-01 00:00:00,20.5\n').points // [{ ts: 1396310400000, value: 20.5 }]
 */
export function readNabCsv(text: string): CsvReadResult {
  const points: HistoricalPoint[] = [];
  const skipped: { line: number; text: string }[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.length === 0) continue;
    const comma = line.indexOf(',');
    if (comma < 0) {
      skipped.push({ line: i + 1, text: line });
      continue;
    }
    const ts = parseTimestamp(line.slice(0, comma).trim());
    const valueText = line.slice(comma + 1).trim();
    const value = valueText.length === 0 ? Number.NaN : Number(valueText);
    if (ts === undefined || !Number.isFinite(value)) {
      if (!(i === firstContentLine(lines) && /[a-z]/i.test(line))) skipped.push({ line: i + 1, text: line });
      continue;
    }
    points.push({ ts, value });
  }
  points.sort((a, b) => a.ts - b.ts);
  return { points, skipped };
}

function firstContentLine(lines: readonly string[]): number {
  return lines.findIndex((line) => line.trim().length > 0);
}

/** NAB `YYYY-MM-DD HH:MM:SS[.fff]` as UTC, ISO 8601, or an epoch number (seconds below 1e11, else milliseconds). */
export function parseTimestamp(text: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    return n < 1e11 ? Math.round(n * 1000) : Math.round(n);
  }
  const nab = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(text);
  if (nab) {
    const [, y, mo, d, h, mi, s, ms] = nab;
    return Date.UTC(
      Number(y),
      Number(mo) - 1,
      Number(d),
      Number(h),
      Number(mi),
      Number(s ?? 0),
      Number((ms ?? '0').padEnd(3, '0')),
    );
  }
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? undefined : parsed;
}
