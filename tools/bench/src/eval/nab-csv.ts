/**
 * Parsing of NAB's CSV files (SCORING.md §2): a header line, one record per line, LF or CRLF endings, optional
 * trailing newline. Rows are kept in file order: NAB aligns everything by row index. Pure.
 */

export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** Splits simple comma-separated text (NAB's files have no quoting) into a header and rows. */
export function parseCsv(text: string, source = 'csv'): CsvTable {
  const lines = text.split('\n');
  const header = (lines[0] ?? '').replace(/\r$/, '').split(',');
  if (header.length === 0 || header[0] === '') throw new Error(`${source}: empty file`);
  const rows: string[][] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line === '') {
      if (i === lines.length - 1) continue;
      throw new Error(`${source}:${i + 1}: empty line`);
    }
    rows.push(line.split(','));
  }
  return { header, rows };
}

/** The values of one named column, as numbers; throws naming the line if a value is not a finite number. */
export function numericColumn(table: CsvTable, name: string, source = 'csv'): Float64Array {
  const col = table.header.indexOf(name);
  if (col < 0) throw new Error(`${source}: no "${name}" column (header: ${table.header.join(',')})`);
  const out = new Float64Array(table.rows.length);
  for (let i = 0; i < table.rows.length; i++) {
    const raw = table.rows[i]![col];
    const v = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(v)) throw new Error(`${source}:${i + 2}: "${name}" is not a number: ${String(raw)}`);
    out[i] = v;
  }
  return out;
}

/** The values of one named column, as strings. */
export function stringColumn(table: CsvTable, name: string, source = 'csv'): string[] {
  const col = table.header.indexOf(name);
  if (col < 0) throw new Error(`${source}: no "${name}" column (header: ${table.header.join(',')})`);
  return table.rows.map((r, i) => {
    const v = r[col];
    if (v === undefined) throw new Error(`${source}:${i + 2}: missing "${name}"`);
    return v;
  });
}

/** Drops an all-zero fractional part (`.000000`), so window ends compare equal to data timestamps. */
export function normaliseTimestamp(text: string): string {
  return text.trim().replace(/\.0+$/, '');
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;

/**
 * Epoch milliseconds of a naive `YYYY-MM-DD HH:MM:SS[.ffffff]` timestamp read as UTC (never local time, so no DST
 * shifts are invented).
 */
export function timestampToMs(text: string): number {
  const m = TIMESTAMP.exec(text.trim());
  if (m === null) throw new Error(`not a NAB timestamp: "${text}"`);
  const ms = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1000);
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, ms);
}
