import type { BaselineRecord } from './baseline-point.schema';
import { ContractValidationError, type FieldIssue, type FieldIssueCode } from './validation-error';

// The layout of a binary baseline record (`tideline.baseline/3`), shared by its encoders (a whole record, and a
// series' judged points gathered column by column) and its decoder. Not part of the package's exports.

/** The binary form of a baseline record: what the baseline service publishes (JSON `tideline.baseline/2` is still read). */
export const BASELINE_BINARY_SCHEMA = 'tideline.baseline/3' as const;

/**
 * First byte of a binary record. A JSON record starts with `{`, whitespace or a byte order mark, never 0, so one byte
 * tells the two forms apart.
 */
export const BASELINE_BINARY_MARKER = 0x00;
/** Second byte: the layout version. A record of any other version is dead-lettered `unsupported_schema`. */
export const BASELINE_BINARY_VERSION = 3;

/** Bit 0 of the flags byte: the optional `tailProbability` column is present. */
export const FLAG_TAIL_PROBABILITY = 0x01;
/** marker, version, flags, detector dictionary size (u8 each), points (u32), tags (u32). */
export const HEADER_BYTES = 12;
/** The float64 columns start at a multiple of 8 from the record's start, so they can be mapped as a Float64Array. */
export const COLUMN_ALIGNMENT = 8;

export type Check = 'integer' | 'finite' | 'unit' | 'count';

/**
 * The float64 columns in wire order, each with the check its values must pass (the checks of the JSON schema):
 * `integer` a safe integer (epoch ms), `finite`, `unit` finite in [0, 1], `count` a non-negative safe integer.
 * Timestamps and counts travel as float64 too: exact for every safe integer, and read without BigInt.
 */
export const FLOAT_COLUMNS = [
  { name: 'ts', check: 'integer' },
  { name: 'value', check: 'finite' },
  { name: 'expected', check: 'finite' },
  { name: 'lower', check: 'finite' },
  { name: 'upper', check: 'finite' },
  { name: 'score', check: 'unit' },
  { name: 'deviation', check: 'finite' },
  { name: 'observations', check: 'count' },
] as const satisfies readonly { name: keyof BaselineRecord['points']; check: Check }[];

/** After the float64 columns, when the flags say so. */
export const TAIL_COLUMN = { name: 'tailProbability', check: 'unit' } as const;
export const FLOAT_COLUMNS_WITH_TAIL = [...FLOAT_COLUMNS, TAIL_COLUMN] as const;

/** Codes of the seasonality column (one byte per point). */
export const SEASONALITY_CODES = ['none', 'daily', 'weekly'] as const;

export type FloatColumn = (typeof FLOAT_COLUMNS)[number]['name'] | typeof TAIL_COLUMN.name;

const utf8 = new TextEncoder();

export function problemOf(check: Check, x: number): [FieldIssueCode, string] | undefined {
  if (!Number.isFinite(x)) return ['not_finite', `is ${x}, not a finite number`];
  if ((check === 'integer' || check === 'count') && !Number.isSafeInteger(x))
    return ['not_integer', `is ${x}, not an integer`];
  if (check === 'count' && x < 0) return ['out_of_range', `is ${x}, below 0`];
  if (check === 'unit' && (x < 0 || x > 1)) return ['out_of_range', `is ${x}, not in [0, 1]`];
  return undefined;
}

export function invalid(field: string, code: FieldIssueCode, reason: string): never {
  throw new ContractValidationError(BASELINE_BINARY_SCHEMA, [{ field, code, reason } satisfies FieldIssue]);
}

/**
 * Bytes of `s` in UTF-8, or -1 when it holds an unpaired surrogate (which UTF-8 cannot carry). Counted by hand: the
 * names are short, and measuring then writing in place spares an array per name (TextEncoder.encode was a third of
 * the encoder's time for records of 10 points).
 */
export function utf8Length(s: string): number {
  let length = 0;
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    if (u < 0x80) length += 1;
    else if (u < 0x800) length += 2;
    else if (u >= 0xd800 && u <= 0xdbff) {
      const low = s.charCodeAt(i + 1);
      if (!(low >= 0xdc00 && low <= 0xdfff)) return -1;
      length += 4;
      i++;
    } else if (u >= 0xdc00 && u <= 0xdfff) return -1;
    else length += 3;
  }
  return length;
}

/** Writes `s` (of `length` UTF-8 bytes, see {@link utf8Length}) at `at`: byte by byte when it is ASCII. */
export function writeUtf8(bytes: Uint8Array, at: number, s: string, length: number): void {
  if (length === s.length) for (let i = 0; i < length; i++) bytes[at + i] = s.charCodeAt(i);
  else utf8.encodeInto(s, bytes.subarray(at, at + length));
}

/** The offset rounded up to the next column boundary (see {@link COLUMN_ALIGNMENT}). */
export function alignUp(offset: number): number {
  return Math.ceil(offset / COLUMN_ALIGNMENT) * COLUMN_ALIGNMENT;
}
