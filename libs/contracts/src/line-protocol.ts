import { LIMITS } from './limits';
import { LineProtocolError, type LineProtocolErrorReason } from './line-protocol-error';
import { lineProtocolNameProblem } from './line-protocol-format';
import { METRIC_EVENT_SCHEMA, RESERVED_TAG_KEYS, type MetricEvent } from './metric-event.schema';

/** Unit of the timestamps in the text (InfluxDB's `precision` parameter; Telegraf sends `ns`). */
export type LineProtocolPrecision = 'ns' | 'us' | 'ms' | 's';

export interface LineProtocolOptions {
  /** Unit of the timestamps in the text. Default `ns`. */
  readonly precision?: LineProtocolPrecision;
  /**
   * Timestamp (epoch ms) for lines that carry none, e.g. the Kafka record's timestamp. Without it such a line is
   * rejected with `missing_timestamp`: the parser never reads the clock.
   */
  readonly defaultTimestampMs?: number;
  /** Host for lines without a `host` tag (Telegraf's `omit_hostname`). Without it such a line is rejected. */
  readonly defaultHost?: string;
  /** `source` stamped on every event. Default `telegraf`. */
  readonly source?: MetricEvent['source'];
}

export interface LineProtocolResult {
  /** One event per numeric field of every valid line, in input order. */
  readonly events: MetricEvent[];
  /** One error per rejected line; a rejected line contributes no events at all. */
  readonly errors: LineProtocolError[];
  /**
   * String fields beside numeric ones on valid lines: line protocol allows them, but they are not measurements, so no
   * event is made for them. A line with only string fields is rejected (`no_numeric_field`).
   */
  readonly skippedStringFields: number;
}

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const SPACE = 32;
const TAB = 9;
const COMMA = 44;
const EQUALS = 61;
const BACKSLASH = 92;
const QUOTE = 34;
const HASH = 35;

const INTEGER = /^-?\d+$/;
const UNSIGNED = /^\d+$/;
const FLOAT = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const TIMESTAMP = /^-?\d{1,25}$/;
/** NaN and infinity as other formats spell them: not line protocol, but plainly a value that is not finite. */
const NOT_FINITE_WORD = /^[-+]?(?:nan|inf|infinity)$/i;
const TRUE_VALUES = new Set(['t', 'T', 'true', 'True', 'TRUE']);
const FALSE_VALUES = new Set(['f', 'F', 'false', 'False', 'FALSE']);
const MAX_SAFE_MS = BigInt(Number.MAX_SAFE_INTEGER);

/** Which unescaped characters end a name token, and which `\x` sequences unescape to `x`. */
const enum TokenKind {
  /** Ends at `,` or space; `\,` and `\ ` are escapes. */
  Measurement,
  /** Tag key, tag value or field key: ends at `,`, `=` or space; `\,`, `\=` and `\ ` are escapes. */
  Key,
}

/**
 * Parses InfluxDB line protocol (what Telegraf's Kafka output sends with `data_format = "influx"`) into metric events:
 * one event per numeric field, named `<measurement>.<field>`.
 *
 * - `measurement[,tag=value...] field=value[,field=value...] [timestamp]`, one point per line; blank lines and `#`
 *   comments are skipped; `\r\n` line ends are accepted.
 * - Escaping as InfluxDB 1.x reads it: in the measurement `\,` and `\ `; in tag keys, tag values and field keys
 *   `\,`, `\=` and `\ `; in quoted string values `\"` and `\\`. A backslash before any other character is literal
 *   (`a\b` stays `a\b`). A quoted string value may span lines.
 * - Field values: floats (`1`, `-1.5`, `1e3`), integers (`1i`), unsigned (`1u`) and booleans (`t`, `true`, `F`, ...;
 *   true is 1, false is 0) become events. Integers beyond 2^53 lose precision (JavaScript numbers). String values
 *   beside numeric ones are counted in {@link LineProtocolResult.skippedStringFields}; a line whose fields are all
 *   strings (Telegraf's `system uptime_format="..."`) has nothing to measure and is rejected with `no_numeric_field`,
 *   so that it is dead-lettered rather than silently ignored.
 * - The `host` tag becomes the event's `host`; every other tag is kept in `tags`. A tag key in `RESERVED_TAG_KEYS`
 *   (`__proto__`) is rejected with `tag_key_reserved`, as the JSON schema refuses it.
 * - A line whose metric name, host, tag key or tag value could not be written back to InfluxDB exactly is rejected
 *   with `name_not_writable` (see {@link lineProtocolNameProblem}): e.g. `host=web-1\\` (a backslash pair ending the
 *   value) or a tab inside a name.
 * - Timestamps are converted to epoch milliseconds (truncated) using {@link LineProtocolOptions.precision}.
 *
 * Pure: no clock, no I/O. Errors are per line ({@link LineProtocolError} with a stable `reason`); valid lines around
 * an invalid one still produce their events. Linear in the input length.
 *
 * @example
 * parseLineProtocol('cpu,host=web-1,cpu=cpu0 usage_idle=97.5,usage_user=1.5 1700000000000000000').events
 * // [{ schema: 'tideline.metric/1', metric: 'cpu.usage_idle', host: 'web-1', value: 97.5, ts: 1700000000000,
 * //    tags: { cpu: 'cpu0' }, source: 'telegraf' }, { ..., metric: 'cpu.usage_user', value: 1.5, ... }]
 */
export function parseLineProtocol(text: string, options: LineProtocolOptions = {}): LineProtocolResult {
  const parser = new LineParser(text, options);
  return parser.parseAll();
}

/**
 * Parses text that must be exactly valid: returns its events or throws the first {@link LineProtocolError}.
 */
export function parseLineProtocolStrict(text: string, options: LineProtocolOptions = {}): MetricEvent[] {
  const result = parseLineProtocol(text, options);
  const first = result.errors[0];
  if (first) throw first;
  return result.events;
}

interface ParsedField {
  readonly key: string;
  readonly value: number | undefined; // undefined: a string field
}

/** Thrown inside the parser with the position of the problem; turned into a LineProtocolError per line. */
class Rejection {
  constructor(
    readonly reason: LineProtocolErrorReason,
    readonly pos: number,
    readonly detail: string,
    /** Where to resume scanning for the next line, if not at the next newline after `pos`. */
    readonly resumeAt?: number,
  ) {}
}

class LineParser {
  private pos = 0;
  private lineNumber = 1;
  private readonly events: MetricEvent[] = [];
  private readonly errors: LineProtocolError[] = [];
  private skippedStringFields = 0;
  private readonly source: NonNullable<MetricEvent['source']>;

  constructor(
    private readonly text: string,
    private readonly options: LineProtocolOptions,
  ) {
    this.source = options.source ?? 'telegraf';
  }

  parseAll(): LineProtocolResult {
    const text = this.text;
    while (this.pos < text.length) {
      this.skipBlanks();
      const lineStart = this.pos;
      const c = text.charCodeAt(lineStart);
      if (lineStart >= text.length) break;
      if (c === NEWLINE || c === CARRIAGE_RETURN || c === HASH) {
        this.skipToNextLine(lineStart);
        continue;
      }
      try {
        const { events, skipped } = this.parseLine();
        for (const event of events) this.events.push(event);
        this.skippedStringFields += skipped;
        this.lineNumber += this.newlinesBetween(lineStart, this.pos);
        if (this.pos < text.length) this.pos++; // the newline
        this.lineNumber++;
      } catch (error) {
        if (!(error instanceof Rejection)) throw error;
        const resume = error.resumeAt ?? this.indexOfNewline(error.pos);
        const lineEnd = this.indexOfNewline(lineStart);
        const line = stripCarriageReturn(text.slice(lineStart, Math.max(lineEnd, Math.min(resume, text.length))));
        const errorPos = Math.min(error.pos, text.length);
        const errorLine = this.lineNumber + this.newlinesBetween(lineStart, errorPos);
        this.errors.push(new LineProtocolError(error.reason, errorLine, this.columnOf(errorPos), line, error.detail));
        // A quoted string may span lines: keep line numbers physical.
        this.lineNumber += this.newlinesBetween(lineStart, resume);
        this.pos = resume < text.length ? resume + 1 : text.length;
        this.lineNumber++;
      }
    }
    return { events: this.events, errors: this.errors, skippedStringFields: this.skippedStringFields };
  }

  private parseLine(): { events: MetricEvent[]; skipped: number } {
    const measurement = this.readToken(TokenKind.Measurement);
    if (measurement === '') throw new Rejection('missing_measurement', this.pos, 'the line has no measurement name');

    const tags = new Map<string, string>();
    while (this.peek() === COMMA) {
      this.pos++;
      const keyPos = this.pos;
      const key = this.readToken(TokenKind.Key);
      if (key === '') throw new Rejection('invalid_tag', keyPos, 'empty tag key');
      if (this.peek() !== EQUALS) throw new Rejection('invalid_tag', this.pos, `tag "${key}" has no "="`);
      this.pos++;
      const valuePos = this.pos;
      const value = this.readToken(TokenKind.Key);
      if (value === '') throw new Rejection('invalid_tag', valuePos, `tag "${key}" has an empty value`);
      if (this.peek() === EQUALS) throw new Rejection('invalid_tag', this.pos, `tag "${key}" has an unescaped "="`);
      if (tags.has(key)) throw new Rejection('duplicate_tag', keyPos, `tag "${key}" appears twice`);
      if (RESERVED_TAG_KEYS.has(key)) throw new Rejection('tag_key_reserved', keyPos, `tag key "${key}" is reserved`);
      tags.set(key, value);
    }

    if (!this.skipSpaces()) throw new Rejection('missing_fields', this.pos, 'the line has no field set');
    const fields = this.readFields();
    const ts = this.readTimestamp();
    return this.toEvents(measurement, tags, fields, ts);
  }

  private readFields(): ParsedField[] {
    const fields: ParsedField[] = [];
    const seen = new Set<string>();
    for (;;) {
      const keyPos = this.pos;
      const key = this.readToken(TokenKind.Key);
      if (key === '') throw new Rejection('invalid_field', keyPos, 'empty field key');
      if (this.peek() !== EQUALS) throw new Rejection('invalid_field', this.pos, `field "${key}" has no "="`);
      this.pos++;
      if (seen.has(key)) throw new Rejection('duplicate_field', keyPos, `field "${key}" appears twice`);
      seen.add(key);
      fields.push({ key, value: this.readFieldValue(key) });
      if (this.peek() !== COMMA) return fields;
      this.pos++;
    }
  }

  private readFieldValue(key: string): number | undefined {
    const text = this.text;
    const start = this.pos;
    if (text.charCodeAt(start) === QUOTE) {
      let i = start + 1;
      while (i < text.length) {
        const c = text.charCodeAt(i);
        if (c === BACKSLASH) i += 2;
        else if (c === QUOTE) break;
        else i++;
      }
      if (i >= text.length) {
        throw new Rejection(
          'unterminated_string',
          start,
          `string value of field "${key}" has no closing quote`,
          this.indexOfNewline(start),
        );
      }
      this.pos = i + 1;
      const next = this.peek();
      if (!isFieldValueEnd(next)) {
        throw new Rejection('invalid_field_value', this.pos, `unexpected character after string value of "${key}"`);
      }
      return undefined;
    }
    let i = start;
    while (i < text.length && !isFieldValueEnd(text.charCodeAt(i))) i++;
    this.pos = i;
    const raw = text.slice(start, i);
    const value = parseNumericValue(raw);
    if (value === undefined && NOT_FINITE_WORD.test(raw)) {
      throw new Rejection('value_not_finite', start, `field "${key}" value "${raw}" is not a finite number`);
    }
    if (value === undefined) {
      throw new Rejection('invalid_field_value', start, `field "${key}" has an invalid value "${raw}"`);
    }
    if (!Number.isFinite(value)) {
      throw new Rejection('value_not_finite', start, `field "${key}" value "${raw}" is not a finite number`);
    }
    return value;
  }

  /** Returns the timestamp in epoch ms, or undefined when the line has none. Leaves `pos` at the line end. */
  private readTimestamp(): number | undefined {
    const text = this.text;
    if (!this.skipSpaces()) {
      this.expectLineEnd();
      return undefined;
    }
    const start = this.pos;
    let i = start;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === SPACE || c === TAB || c === NEWLINE || c === CARRIAGE_RETURN) break;
      i++;
    }
    this.pos = i;
    const raw = text.slice(start, i);
    if (raw === '') {
      this.expectLineEnd();
      return undefined;
    }
    if (!TIMESTAMP.test(raw)) throw new Rejection('invalid_timestamp', start, `"${raw}" is not an integer timestamp`);
    this.skipSpaces();
    this.expectLineEnd();
    return toEpochMs(raw, this.options.precision ?? 'ns', start);
  }

  private toEvents(
    measurement: string,
    tags: Map<string, string>,
    fields: readonly ParsedField[],
    lineTs: number | undefined,
  ): { events: MetricEvent[]; skipped: number } {
    const end = this.pos;
    let ts = lineTs;
    if (ts === undefined) {
      const fallback = this.options.defaultTimestampMs;
      if (fallback === undefined || !Number.isFinite(fallback) || fallback < 0) {
        throw new Rejection('missing_timestamp', end, 'the line has no timestamp and no default was given');
      }
      ts = Math.trunc(fallback);
    }

    const host = tags.get('host') ?? this.options.defaultHost;
    if (host === undefined || host === '') {
      throw new Rejection('missing_host', end, 'the line has no "host" tag and no default host was given');
    }
    tags.delete('host');
    if (tags.size > LIMITS.maxTags) {
      throw new Rejection('too_many_tags', end, `${tags.size} tags besides "host"; at most ${LIMITS.maxTags}`);
    }
    checkLength(host, 'host', end);
    for (const [key, value] of tags) {
      checkLength(key, `tag key "${key.slice(0, 32)}"`, end);
      checkLength(value, `value of tag "${key.slice(0, 32)}"`, end);
    }
    checkWritable(host, 'host', end);
    for (const [key, value] of tags) {
      checkWritable(key, `tags: key ${JSON.stringify(key.slice(0, 32))}`, end);
      checkWritable(value, `tags.${key}`, end);
    }

    const events: MetricEvent[] = [];
    let skipped = 0;
    for (const field of fields) {
      if (field.value === undefined) {
        skipped++;
        continue;
      }
      const metric = `${measurement}.${field.key}`;
      checkLength(metric, `metric "${metric.slice(0, 32)}..."`, end);
      checkWritable(metric, 'metric', end);
      events.push({
        schema: METRIC_EVENT_SCHEMA,
        metric,
        host,
        value: field.value,
        ts,
        tags: Object.fromEntries(tags),
        source: this.source,
      });
    }
    if (events.length === 0) {
      const keys = fields.map((field) => JSON.stringify(field.key.slice(0, 32))).join(', ');
      throw new Rejection('no_numeric_field', end, `every field is a string (${keys}): nothing to measure`);
    }
    return { events, skipped };
  }

  /**
   * Reads a measurement, key or tag value up to its first unescaped separator. A backslash always takes the next
   * character with it (so `\\,` ends the token at the comma); only the escapes of `kind` drop the backslash.
   */
  private readToken(kind: TokenKind): string {
    const text = this.text;
    let out = '';
    let segmentStart = this.pos;
    let i = this.pos;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === BACKSLASH && i + 1 < text.length && text.charCodeAt(i + 1) !== NEWLINE) {
        const next = text.charCodeAt(i + 1);
        if (next === COMMA || next === SPACE || (next === EQUALS && kind === TokenKind.Key)) {
          out += text.slice(segmentStart, i);
          segmentStart = i + 1; // keep the escaped character, drop the backslash
        }
        i += 2;
        continue;
      }
      if (c === COMMA || c === SPACE || c === NEWLINE || (c === EQUALS && kind === TokenKind.Key)) break;
      if (c === CARRIAGE_RETURN && i + 1 < text.length && text.charCodeAt(i + 1) === NEWLINE) break;
      i++;
    }
    this.pos = i;
    return out + text.slice(segmentStart, i);
  }

  private peek(): number {
    return this.pos < this.text.length ? this.text.charCodeAt(this.pos) : NaN;
  }

  /** Skips spaces and tabs; true when at least one was skipped and the line goes on. */
  private skipSpaces(): boolean {
    const start = this.pos;
    while (this.peek() === SPACE || this.peek() === TAB) this.pos++;
    const c = this.peek();
    return this.pos > start && !(Number.isNaN(c) || c === NEWLINE || c === CARRIAGE_RETURN);
  }

  private skipBlanks(): void {
    while (this.peek() === SPACE || this.peek() === TAB) this.pos++;
  }

  private expectLineEnd(): void {
    while (this.peek() === SPACE || this.peek() === TAB || this.peek() === CARRIAGE_RETURN) this.pos++;
    const c = this.peek();
    if (!Number.isNaN(c) && c !== NEWLINE) {
      throw new Rejection('invalid_timestamp', this.pos, 'unexpected characters after the timestamp');
    }
  }

  private indexOfNewline(from: number): number {
    const index = this.text.indexOf('\n', from);
    return index === -1 ? this.text.length : index;
  }

  private skipToNextLine(from: number): void {
    const end = this.indexOfNewline(from);
    this.pos = end < this.text.length ? end + 1 : this.text.length;
    this.lineNumber++;
  }

  /** 1-based column of `pos` within its physical line. */
  private columnOf(pos: number): number {
    return pos - (this.text.lastIndexOf('\n', pos - 1) + 1) + 1;
  }

  /** Newlines between `from` (inclusive) and `to` (exclusive). */
  private newlinesBetween(from: number, to: number): number {
    let count = 0;
    let index = this.text.indexOf('\n', from);
    while (index !== -1 && index < to) {
      count++;
      index = this.text.indexOf('\n', index + 1);
    }
    return count;
  }
}

function isFieldValueEnd(c: number): boolean {
  return Number.isNaN(c) || c === COMMA || c === SPACE || c === TAB || c === NEWLINE || c === CARRIAGE_RETURN;
}

/** A numeric field value, or undefined when `raw` is not one of line protocol's numeric or boolean forms. */
function parseNumericValue(raw: string): number | undefined {
  if (raw === '') return undefined;
  const last = raw.charCodeAt(raw.length - 1);
  if (last === 105 /* i */) {
    const digits = raw.slice(0, -1);
    return INTEGER.test(digits) ? Number(digits) : undefined;
  }
  if (last === 117 /* u */) {
    const digits = raw.slice(0, -1);
    return UNSIGNED.test(digits) ? Number(digits) : undefined;
  }
  if (TRUE_VALUES.has(raw)) return 1;
  if (FALSE_VALUES.has(raw)) return 0;
  return FLOAT.test(raw) ? Number(raw) : undefined;
}

function toEpochMs(raw: string, precision: LineProtocolPrecision, pos: number): number {
  const value = BigInt(raw);
  if (value < 0n) throw new Rejection('timestamp_out_of_range', pos, `timestamp ${raw} is before the epoch`);
  let ms: bigint;
  switch (precision) {
    case 'ns':
      ms = value / 1_000_000n;
      break;
    case 'us':
      ms = value / 1_000n;
      break;
    case 'ms':
      ms = value;
      break;
    case 's':
      ms = value * 1_000n;
      break;
  }
  if (ms > MAX_SAFE_MS) {
    throw new Rejection('timestamp_out_of_range', pos, `timestamp ${raw} (${precision}) is out of range`);
  }
  return Number(ms);
}

function checkLength(value: string, what: string, pos: number): void {
  if (value.length > LIMITS.maxNameLength) {
    throw new Rejection('name_too_long', pos, `${what} is ${value.length} characters; at most ${LIMITS.maxNameLength}`);
  }
}

/** A name that would not reach InfluxDB unchanged is refused here, so every event can be written back exactly. */
function checkWritable(name: string, what: string, pos: number): void {
  const problem = lineProtocolNameProblem(name);
  if (problem !== undefined) throw new Rejection('name_not_writable', pos, `${what}: ${problem}`);
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

export { LINE_PROTOCOL_ERROR_REASONS, LineProtocolError, type LineProtocolErrorReason } from './line-protocol-error';
