/*
 * Writing InfluxDB 1.x line protocol: which names can be written at all, their escaping, and whole lines. The reading
 * side is `parseLineProtocol` (line-protocol.ts); `line-protocol-format.spec.ts` checks that what is written here is
 * read back exactly, both by that parser and by InfluxDB 1.x's own scanning rules (models/points.go).
 */

const SPACE = 0x20;
const HASH = 0x23;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const BACKSLASH = 0x5c;
const DELETE = 0x7f;

const BACKSLASH_QUOTE = 'has a backslash before a double quote';

/** Escaped in a measurement (`=` is literal there). */
const MEASUREMENT_SPECIAL = /[, ]/g;
/** Escaped in tag keys, tag values and field keys. */
const KEY_SPECIAL = /[,= ]/g;

/** What follows a backslash that InfluxDB 1.x takes as an escape in tags, in words. */
const ESCAPED_AFTER_BACKSLASH: ReadonlyMap<number, string> = new Map([
  [COMMA, 'a comma'],
  [SPACE, 'a space'],
  [EQUALS, 'an equals sign'],
]);

/**
 * A value that cannot be written as line protocol exactly: a name {@link lineProtocolNameProblem} refuses, an empty
 * name, a measurement or field key the extra rules of {@link formatLine} refuse, a non-finite field value or a
 * timestamp that is not an integer number of ms. Never retriable: the same value fails the same way. Names are
 * refused rather than altered because an altered name is a different series.
 */
export class LineFormatError extends Error {
  readonly retriable = false;

  constructor(
    /** What could not be written: `measurement`, `tags.<key>`, `tag key "<key>"`, `fields.<key>`, `ts`, ... */
    readonly field: string,
    /** Why, e.g. `ends with a backslash`. */
    readonly problem: string,
  ) {
    super(`cannot write ${field} as line protocol: ${problem}`);
    this.name = 'LineFormatError';
  }
}

/**
 * Why `name` (a measurement, tag key, tag value or field key) cannot travel through InfluxDB 1.x line protocol
 * unchanged, or undefined when it can. The problems, in the order they are looked for along the name:
 * - a control character, U+0000–U+001F or U+007F: a line break ends the line, so what follows it would be read as a
 *   row of its own; no escape exists for any of them.
 * - a backslash at the end: it escapes the separator written after the name (InfluxDB 1.x takes any character after
 *   a backslash as escaped, and unescapes only `\,` `\ ` `\=` in tags, so no spelling gives back one backslash).
 * - a backslash before `,`, ` ` or `=`: InfluxDB 1.x reads the pair as an escape and drops the backslash, while a
 *   parser that pairs backslashes, like ours, reads `\\,` as two backslashes and a separator; no spelling is read
 *   back exactly by both.
 * - an unpaired UTF-16 surrogate: it has no UTF-8 form, so the request body would carry U+FFFD instead.
 *
 * These are the rules for tag keys and tag values, where Tideline writes every metric name, host and tag. A
 * measurement or field key has one more ({@link formatLine} checks it): InfluxDB 1.x also unescapes `\"` there.
 * Emptiness and length are not its concern (the schemas and `LIMITS` check those). A backslash anywhere else is an
 * ordinary character. O(length); allocates only to describe a problem.
 *
 * @example
 * lineProtocolNameProblem('cpu\nforged,host=x value=1') // 'contains a control character (U+000A)'
 * lineProtocolNameProblem('web-1\\') // 'ends with a backslash'
 * lineProtocolNameProblem('C:\\Temp, x=1') // undefined
 */
export function lineProtocolNameProblem(name: string): string | undefined {
  const last = name.length - 1;
  for (let i = 0; i <= last; i++) {
    const c = name.charCodeAt(i);
    if (c >= SPACE && c < DELETE && c !== BACKSLASH) continue; // printable ASCII: the common case
    if (c < SPACE || c === DELETE) return `contains a control character (${codePoint(c)})`;
    if (c === BACKSLASH) {
      if (i === last) return 'ends with a backslash';
      const before = ESCAPED_AFTER_BACKSLASH.get(name.charCodeAt(i + 1));
      if (before !== undefined) return `has a backslash before ${before}`;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = i < last ? name.charCodeAt(i + 1) : 0;
      if (next < 0xdc00 || next > 0xdfff) return `contains an unpaired surrogate (${codePoint(c)})`;
      i++; // the low half of the pair
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return `contains an unpaired surrogate (${codePoint(c)})`;
    }
  }
  return undefined;
}

/**
 * Escapes a measurement name (`,` and space). Throws {@link LineFormatError} for a name that cannot be written (see
 * {@link lineProtocolNameProblem}), an empty one, one with a backslash before `"` (InfluxDB 1.x drops that backslash
 * in measurements and field keys) and one starting with `#` (the line would be read as a comment).
 *
 * @example escapeMeasurement('cpu load,1') // 'cpu\\ load\\,1'
 */
export function escapeMeasurement(measurement: string): string {
  const escaped = escapeName(measurement, MEASUREMENT_SPECIAL, 'measurement');
  if (measurement.includes('\\"')) throw new LineFormatError('measurement', BACKSLASH_QUOTE);
  if (measurement.charCodeAt(0) === HASH) {
    throw new LineFormatError('measurement', 'starts with "#", so the line would be read as a comment');
  }
  return escaped;
}

/**
 * Escapes a tag key (`,`, `=` and space). Throws {@link LineFormatError} for an empty key or one that cannot be
 * written (see {@link lineProtocolNameProblem}).
 *
 * @example escapeTagKey('data center') // 'data\\ center'
 */
export function escapeTagKey(key: string): string {
  return escapeName(key, KEY_SPECIAL, 'tag key');
}

/**
 * Escapes a tag value (`,`, `=` and space). Throws {@link LineFormatError} for an empty value (InfluxDB rejects it:
 * leave the tag out) or one that cannot be written (see {@link lineProtocolNameProblem}).
 *
 * @example escapeTagValue('a=b, c') // 'a\\=b\\,\\ c'
 */
export function escapeTagValue(value: string): string {
  return escapeName(value, KEY_SPECIAL, 'tag value');
}

/**
 * One line of InfluxDB 1.x line protocol: `measurement[,tag=value...] field=value[,field=value...] ts`, for a write
 * with `precision=ms`.
 * - Tags are sorted by key in UTF-8 byte order (Go's `bytes.Compare`, the order InfluxDB keeps them in); a tag whose
 *   value is empty or undefined is left out.
 * - Fields keep their order and are written as floats in JavaScript's shortest exact form (`-0` keeps its sign).
 * - `ts` is epoch milliseconds, a non-negative safe integer.
 *
 * Throws {@link LineFormatError} instead of writing a line that would be read back differently: a name that
 * {@link escapeMeasurement}, {@link escapeTagKey} or {@link escapeTagValue} refuses, an empty field key, no fields, a
 * field key with a backslash before `"`, a non-finite field value or a bad `ts`. O(total length + tags · log tags).
 *
 * @example
 * formatLine('points', { metric: 'cpu.total', host: 'web 1', core: '' }, { value: 1.5 }, 1700000000000)
 * // 'points,host=web\\ 1,metric=cpu.total value=1.5 1700000000000'
 */
export function formatLine(
  measurement: string,
  tags: Readonly<Record<string, string | undefined>>,
  fields: Readonly<Record<string, number>>,
  ts: number,
): string {
  let line = escapeMeasurement(measurement);
  for (const key of Object.keys(tags).sort(compareCodePoints)) {
    const value = tags[key];
    if (value === undefined || value === '') continue;
    const escapedKey = escapeName(key, KEY_SPECIAL, `tag key ${quote(key)}`);
    line += `,${escapedKey}=${escapeName(value, KEY_SPECIAL, `tags.${key}`)}`;
  }
  let separator = ' ';
  for (const key of Object.keys(fields)) {
    line += `${separator}${escapeFieldKey(key)}=${formatFloat(fields[key], key)}`;
    separator = ',';
  }
  if (separator === ' ') throw new LineFormatError('fields', 'is empty: a line needs at least one field');
  if (!Number.isSafeInteger(ts) || ts < 0) {
    throw new LineFormatError('ts', `must be a non-negative integer number of ms, got ${String(ts)}`);
  }
  return `${line} ${ts}`;
}

function escapeName(name: string, special: RegExp, field: string): string {
  if (name === '') throw new LineFormatError(field, 'is empty');
  const problem = lineProtocolNameProblem(name);
  if (problem !== undefined) throw new LineFormatError(field, problem);
  return name.replace(special, '\\$&');
}

function escapeFieldKey(key: string): string {
  const escaped = escapeName(key, KEY_SPECIAL, `field key ${quote(key)}`);
  if (key.includes('\\"')) throw new LineFormatError(`field key ${quote(key)}`, BACKSLASH_QUOTE);
  return escaped;
}

function formatFloat(value: number | undefined, key: string): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new LineFormatError(`fields.${key}`, `must be a finite number, got ${String(value)}`);
  }
  // String(-0) is "0"; InfluxDB and our parser both read "-0" as negative zero
  return Object.is(value, -0) ? '-0' : String(value);
}

/** Code point order, which is UTF-8 byte order: UTF-16 order differs once a key holds a character beyond U+FFFF. */
function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** A code unit's place in code point order: surrogates (halves of U+10000 and above) after U+E000–U+FFFF. */
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  return unit >= 0xe000 ? unit - 0x800 : unit;
}

function codePoint(unit: number): string {
  return `U+${unit.toString(16).toUpperCase().padStart(4, '0')}`;
}

function quote(name: string): string {
  return JSON.stringify(name.length > 32 ? `${name.slice(0, 32)}...` : name);
}
