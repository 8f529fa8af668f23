import { METRIC_RECORD_FAILURE_REASONS, type MetricRecordFailureReason } from '../metric-record.decoder';

/**
 * The hostile-input corpus (`datasets/hostile-input/metric-records.json`): records for the metrics topic, each with
 * the outcome it must have. Used by the decoder's unit test and by the baseline service's integration test, which
 * sends every record through the real broker. Pure: the caller reads the file and gives the clock.
 */
export interface HostileCorpus {
  readonly about: string;
  readonly records: readonly HostileRecord[];
}

export interface HostileRecord {
  /** Unique snake_case name; the Kafka key the record is sent with. */
  readonly name: string;
  readonly about: string;
  readonly payload: HostilePayload;
  readonly expect: HostileOutcome;
  /** Records of one group share their host on purpose (e.g. a series-key collision pair): checked together. */
  readonly seriesGroup?: string;
  /**
   * The outcome at the baseline service when it differs from the decoder's `expect`: a decodable event the service
   * refuses (e.g. `metric_name_reserved`).
   */
  readonly serviceExpect?: HostileOutcome;
}

/**
 * The record's bytes: UTF-8 `text`; raw `base64` (bytes that are not UTF-8); or `repeat`, the concatenation of each
 * `[text, times]` part (huge records stay small in the file). Placeholders in text: see {@link hostileRecordBytes}.
 */
export type HostilePayload =
  { readonly text: string } | { readonly base64: string } | { readonly repeat: readonly (readonly [string, number])[] };

/** Events the record yields (default 0) and the dead-letter reason it carries (none: not dead-lettered). */
export interface HostileOutcome {
  readonly accepted?: number;
  readonly reason?: MetricRecordFailureReason;
}

export interface HostileRunVariables {
  /** A token of this run: hosts are `<run>.<record name>.h`, so a run's series are its own. */
  readonly run: string;
  /** The clock the timestamps are made from, epoch ms. */
  readonly nowMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const REASONS: ReadonlySet<string> = new Set(METRIC_RECORD_FAILURE_REASONS);

/** Checks the corpus file's shape (names unique, reasons known) and returns it typed; throws naming the record. */
export function parseHostileCorpus(json: unknown): HostileCorpus {
  const corpus = json as HostileCorpus;
  if (typeof corpus !== 'object' || corpus === null || !Array.isArray(corpus.records)) {
    throw new Error('the corpus has no "records" array');
  }
  const names = new Set<string>();
  for (const record of corpus.records) {
    if (typeof record.name !== 'string' || names.has(record.name)) {
      throw new Error(`record name ${JSON.stringify(record.name)} is missing or not unique`);
    }
    names.add(record.name);
    checkOutcome(record.name, record.expect);
    if (record.serviceExpect !== undefined) checkOutcome(record.name, record.serviceExpect);
  }
  return corpus;
}

/** What the baseline service must do with the record: {@link HostileRecord.serviceExpect} or else `expect`. */
export function serviceOutcome(record: HostileRecord): HostileOutcome {
  return record.serviceExpect ?? record.expect;
}

function checkOutcome(name: string, outcome: HostileOutcome | undefined): void {
  const { accepted, reason } = outcome ?? {};
  if (reason !== undefined && !REASONS.has(reason)) {
    throw new Error(`record ${name}: unknown reason ${JSON.stringify(reason)}`);
  }
  if (accepted !== undefined && (!Number.isInteger(accepted) || accepted < 0)) {
    throw new Error(`record ${name}: "accepted" must be a non-negative integer`);
  }
  if (accepted === undefined && reason === undefined) {
    throw new Error(`record ${name}: expects neither events nor a reason`);
  }
}

/** The host a record's `{{host}}` stands for. */
export function hostileRecordHost(record: Pick<HostileRecord, 'name'>, run: string): string {
  return `${run}.${record.name}.h`;
}

/**
 * The record's bytes for one run. Placeholders: `{{host}}` ({@link hostileRecordHost}), `{{run}}`, `{{now_ms}}`,
 * `{{now_ns}}`, `{{now_plus_5min_ms}}`, `{{now_plus_1d_ms}}`, `{{now_plus_1d_ns}}`, `{{now_minus_6y_ms}}`,
 * `{{now_minus_6y_ns}}` (epoch ms or ns around `nowMs`).
 */
export function hostileRecordBytes(record: HostileRecord, vars: HostileRunVariables): Uint8Array {
  const payload = record.payload;
  if ('base64' in payload) return Uint8Array.from(atob(payload.base64), (c) => c.charCodeAt(0));
  const text = 'text' in payload ? payload.text : payload.repeat.map(([part, times]) => part.repeat(times)).join('');
  return new TextEncoder().encode(substitute(text, record, vars));
}

function substitute(text: string, record: HostileRecord, { run, nowMs }: HostileRunVariables): string {
  const values: Record<string, string> = {
    host: hostileRecordHost(record, run),
    run,
    now_ms: String(nowMs),
    now_ns: `${nowMs}000000`,
    now_plus_5min_ms: String(nowMs + 5 * 60 * 1000),
    now_plus_1d_ms: String(nowMs + DAY_MS),
    now_plus_1d_ns: `${nowMs + DAY_MS}000000`,
    now_minus_6y_ms: String(nowMs - 6 * 365 * DAY_MS),
    now_minus_6y_ns: `${nowMs - 6 * 365 * DAY_MS}000000`,
  };
  return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`record ${record.name}: unknown placeholder ${whole}`);
    return value;
  });
}
