import { MAX_POINTS_PER_BASELINE_RECORD, type BaselinePoint } from './baseline-point.schema';
import type { BaselineRecordSource } from './baseline-record.binary';
import {
  BASELINE_BINARY_MARKER,
  BASELINE_BINARY_VERSION,
  FLAG_TAIL_PROBABILITY,
  FLOAT_COLUMNS_WITH_TAIL,
  HEADER_BYTES,
  SEASONALITY_CODES,
  alignUp,
  invalid,
  problemOf,
  utf8Length,
  writeUtf8,
} from './baseline-record.layout';

/**
 * A series' names as each of its binary baseline records carries them (series, host, metric, then each tag's key and
 * value, every one as a u32 length and UTF-8), encoded once per series instead of once per record.
 */
export interface EncodedSeriesNames {
  readonly bytes: Uint8Array;
  readonly tagCount: number;
}

/**
 * Encodes a series' names for {@link BaselineColumns.records}. Throws {@link ContractValidationError} as
 * `encodeBaselineBinary` does: an empty series, a `__proto__` tag key, a name with an unpaired surrogate.
 */
export function encodeSeriesNames(identity: {
  readonly series: string;
  readonly host: string;
  readonly metric: string;
  readonly tags: Readonly<Record<string, string>>;
}): EncodedSeriesNames {
  if (identity.series.length === 0) invalid('series', 'invalid', 'is empty');
  if (Object.hasOwn(identity.tags, '__proto__')) invalid('tags.__proto__', 'reserved', 'is a reserved tag key');
  const tagEntries = Object.entries(identity.tags);
  const names: [field: string, text: string][] = [
    ['series', identity.series],
    ['host', identity.host],
    ['metric', identity.metric],
  ];
  for (const [key, value] of tagEntries) names.push([`tags.${key}`, key], [`tags.${key}`, value]);
  const lengths = names.map(([field, text]) => {
    const length = utf8Length(text);
    // UTF-8 would turn an unpaired surrogate into U+FFFD: refuse rather than change a name
    if (length < 0) invalid(field, 'not_writable', `has an unpaired surrogate: ${JSON.stringify(text)}`);
    return length;
  });
  const bytes = new Uint8Array(lengths.reduce((sum, length) => sum + 4 + length, 0));
  const view = new DataView(bytes.buffer);
  let at = 0;
  names.forEach(([, text], k) => {
    view.setUint32(at, lengths[k]!, true);
    writeUtf8(bytes, at + 4, text, lengths[k]!);
    at += 4 + lengths[k]!;
  });
  return { bytes, tagCount: tagEntries.length };
}

/** What a judged point carries besides its time, value and observation count (a model's assessment has these). */
export type JudgedEvidence = Pick<BaselinePoint, 'expected' | 'lower' | 'upper' | 'score' | 'detector' | 'ready'> &
  Pick<BaselinePoint['evidence'], 'deviation' | 'seasonality'> & {
    /** Left out of the record when outside [0, 1] (or NaN): the schema allows no other value. */
    readonly tailProbability: number;
  };

const INITIAL_CAPACITY = 8;

/**
 * One series' judged points of a batch, gathered column by column as its model judges them, then encoded as
 * `tideline.baseline/3` records without an object per point: for each run of {@link MAX_POINTS_PER_BASELINE_RECORD}
 * points, the bytes `encodeBaselineBinary(baselineRecordOf(run))` gives (property-tested), validated the same way.
 * Meant to be reused: {@link clear} keeps its capacity.
 */
export class BaselineColumns {
  private n = 0;
  private capacity = INITIAL_CAPACITY;
  /** In wire order: ts, value, expected, lower, upper, score, deviation, observations, tailProbability (NaN: absent). */
  private floats = FLOAT_COLUMNS_WITH_TAIL.map(() => new Float64Array(INITIAL_CAPACITY));
  private detector: string[] = [];
  private seasonality: string[] = [];
  private ready = new Uint8Array(INITIAL_CAPACITY);

  /** Points gathered since the last {@link clear}. */
  get length(): number {
    return this.n;
  }

  push(ts: number, value: number, observations: number, judged: JudgedEvidence): void {
    if (this.n === this.capacity) this.grow();
    const i = this.n++;
    const f = this.floats;
    f[0]![i] = ts;
    f[1]![i] = value;
    f[2]![i] = judged.expected;
    f[3]![i] = judged.lower;
    f[4]![i] = judged.upper;
    f[5]![i] = judged.score;
    f[6]![i] = judged.deviation;
    f[7]![i] = observations;
    const tail = judged.tailProbability;
    f[8]![i] = tail >= 0 && tail <= 1 ? tail : Number.NaN;
    this.detector[i] = judged.detector;
    this.seasonality[i] = judged.seasonality;
    this.ready[i] = judged.ready ? 1 : 0;
  }

  clear(): void {
    this.n = 0;
  }

  /**
   * The points as records of at most {@link MAX_POINTS_PER_BASELINE_RECORD} points, in order (none when empty), to be
   * packed into Kafka record values (`packBaselineRecords`) and written there, each once. Throws
   * {@link ContractValidationError} for a detector name UTF-8 cannot carry; a value the schema refuses throws when the
   * record is written. The sources hold on to these columns: write them before the next {@link push} or {@link clear}.
   */
  records(key: string, names: EncodedSeriesNames): BaselineRecordSource[] {
    const records: BaselineRecordSource[] = [];
    for (let start = 0; start < this.n; start += MAX_POINTS_PER_BASELINE_RECORD)
      records.push(this.run(key, names, start, Math.min(this.n, start + MAX_POINTS_PER_BASELINE_RECORD)));
    return records;
  }

  /** The records of {@link records}, each encoded alone. */
  encode(names: EncodedSeriesNames): Uint8Array[] {
    return this.records('', names).map((record) => {
      const bytes = new Uint8Array(record.byteLength);
      record.writeTo(bytes, new DataView(bytes.buffer), 0);
      return bytes;
    });
  }

  private run(key: string, names: EncodedSeriesNames, start: number, end: number): BaselineRecordSource {
    // the record's detector table in order of first use (at most MAX_POINTS_PER_BASELINE_RECORD < 256 names)
    const dictionary: string[] = [];
    let hasTail = true;
    for (let i = start; i < end; i++) {
      const name = this.detector[i]!;
      if (!dictionary.includes(name)) dictionary.push(name);
      if (Number.isNaN(this.floats[8]![i])) hasTail = false;
    }
    const dictionaryLengths = dictionary.map((name) => {
      const length = utf8Length(name);
      if (length < 0) invalid('points.detector', 'not_writable', `has an unpaired surrogate: ${JSON.stringify(name)}`);
      return length;
    });
    let stringsEnd = HEADER_BYTES + names.bytes.byteLength;
    for (const length of dictionaryLengths) stringsEnd += 4 + length;
    const columnsAt = alignUp(stringsEnd);
    const floatColumns = FLOAT_COLUMNS_WITH_TAIL.length - (hasTail ? 0 : 1);
    const n = end - start;
    return {
      key,
      byteLength: columnsAt + n * (8 * floatColumns + 3),
      writeTo: (bytes, view, at) => {
        bytes[at] = BASELINE_BINARY_MARKER;
        bytes[at + 1] = BASELINE_BINARY_VERSION;
        bytes[at + 2] = hasTail ? FLAG_TAIL_PROBABILITY : 0;
        bytes[at + 3] = dictionary.length;
        view.setUint32(at + 4, n, true);
        view.setUint32(at + 8, names.tagCount, true);
        bytes.set(names.bytes, at + HEADER_BYTES);
        let p = at + HEADER_BYTES + names.bytes.byteLength;
        for (let d = 0; d < dictionary.length; d++) {
          view.setUint32(p, dictionaryLengths[d]!, true);
          writeUtf8(bytes, p + 4, dictionary[d]!, dictionaryLengths[d]!);
          p += 4 + dictionaryLengths[d]!;
        }
        this.writeColumns(bytes, view, at + columnsAt, start, end, floatColumns, dictionary);
      },
    };
  }

  private writeColumns(
    bytes: Uint8Array,
    view: DataView,
    at: number,
    start: number,
    end: number,
    floatColumns: number,
    dictionary: readonly string[],
  ): void {
    let p = at;
    for (let c = 0; c < floatColumns; c++) {
      const column = this.floats[c]!;
      const { name, check } = FLOAT_COLUMNS_WITH_TAIL[c]!;
      for (let i = start; i < end; i++) {
        const x = column[i]!;
        const problem = problemOf(check, x);
        if (problem !== undefined) invalid(`points.${name}.${i - start}`, problem[0], problem[1]);
        view.setFloat64(p, x, true);
        p += 8;
      }
    }
    for (let i = start; i < end; i++) bytes[p++] = dictionary.indexOf(this.detector[i]!);
    for (let i = start; i < end; i++) bytes[p++] = this.ready[i]!;
    for (let i = start; i < end; i++) {
      const season = this.seasonality[i]!;
      const code = SEASONALITY_CODES.indexOf(season as (typeof SEASONALITY_CODES)[number]);
      if (code < 0) invalid(`points.seasonality.${i - start}`, 'invalid', `is ${JSON.stringify(season)}`);
      bytes[p++] = code;
    }
  }

  private grow(): void {
    this.capacity *= 2;
    this.floats = this.floats.map((column) => {
      const grown = new Float64Array(this.capacity);
      grown.set(column);
      return grown;
    });
    const ready = new Uint8Array(this.capacity);
    ready.set(this.ready);
    this.ready = ready;
  }
}
