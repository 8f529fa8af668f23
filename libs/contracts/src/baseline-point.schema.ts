import { z } from 'zod';
import { BASELINE_BINARY_SCHEMA } from './baseline-record.binary';
import { ContractValidationError, toFieldIssues } from './validation-error';

/**
 * The JSON form of a baseline record, which builds before `tideline.baseline/3` (binary, see
 * `encodeBaselineBinary`) published: still read, so that an upgrade needs no drained topic.
 */
export const BASELINE_JSON_SCHEMA = 'tideline.baseline/2' as const;

const SEASONALITIES = ['none', 'daily', 'weekly'] as const;

/**
 * One point as the baseline service judged it: the band is the one the point was scored against (before the model
 * learned it), drawn at the confidence of the series' alert policy, and is also the band stored in InfluxDB for that
 * point: the anomaly service decides on exactly this.
 */
export interface BaselinePoint {
  readonly series: string;
  readonly host: string;
  readonly metric: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Event time, epoch ms. */
  readonly ts: number;
  readonly value: number;
  readonly expected: number;
  readonly lower: number;
  readonly upper: number;
  /** Anomaly score in [0, 1]: 0.5 and above is the detector's own alert (`medium`). */
  readonly score: number;
  /** What explains the score: none, spike, dip, level_shift, drift, new_high, new_low, seasonal_deviation. */
  readonly detector: string;
  /** False while the model warms up: its band is not yet trusted and its score is 0. */
  readonly ready: boolean;
  /** The evidence the detector used. */
  readonly evidence: {
    /** Deviation in units of the series' own usual surprise (1 = as unusual as it usually gets). */
    readonly deviation: number;
    readonly seasonality: (typeof SEASONALITIES)[number];
    /** Points the model had learned before this one. */
    readonly observations: number;
    /**
     * How likely a deviation at least this large is under the model (two-sided, Gaussian one-step errors of the
     * robust spread; 1 when nothing is unusual): the detector's calibrated evidence. Absent from records of builds
     * whose model does not report it.
     */
    readonly tailProbability?: number;
  };
}

const column = <T extends z.ZodType>(of: T, description: string) => z.array(of).min(1).describe(description);

/**
 * The judged points of one series from one batch of the baseline service, in event-time order, as columns (one
 * record per series and batch instead of one per point: the producer's cost is per record, and the series' name
 * and tags travel once). Keyed by series on the baselines topic, which has the metrics topic's partitions, so a
 * series' records stay in order.
 */
export const baselineRecordSchema = z
  .object({
    schema: z.literal(BASELINE_JSON_SCHEMA),
    series: z.string().min(1).describe('The series key: metric|host=…|tag=… (tags sorted).'),
    host: z.string(),
    metric: z.string(),
    tags: z.record(z.string(), z.string()),
    points: z
      .object({
        ts: column(z.number().int(), 'Event time of each point, epoch ms, ascending.'),
        value: column(z.number(), 'The measured value.'),
        expected: column(z.number(), 'What the model expected for the point.'),
        lower: column(z.number(), 'Lower edge of the band the point was judged against.'),
        upper: column(z.number(), 'Upper edge of that band.'),
        score: column(z.number().min(0).max(1), 'Anomaly score: 0.5 and above is the detector’s own alert.'),
        detector: column(
          z.string(),
          'What explains the score: none, spike, dip, level_shift, drift, new_high, new_low, seasonal_deviation.',
        ),
        ready: column(z.boolean(), 'False while the model warms up (band not trusted, score 0).'),
        deviation: column(z.number(), 'Deviation in units of the series’ own usual surprise.'),
        seasonality: column(z.enum(SEASONALITIES), 'The seasonal profile the expected value came from.'),
        observations: column(z.number().int().nonnegative(), 'Points the model had learned before this one.'),
        tailProbability: column(
          z.number().min(0).max(1),
          'How likely a deviation at least this large is under the model (optional: absent in older records).',
        ).optional(),
      })
      .strict()
      .refine((p) => Object.values(p).every((c) => c.length === p.ts.length), {
        message: 'every column must have one entry per point',
      }),
  })
  .strict()
  .describe(
    'tideline.baseline/2: the judged points of one series, on tideline.baselines.v1, keyed by series. The JSON form ' +
      'older builds published; builds that read it publish the same columns as binary tideline.baseline/3 ' +
      '(layout in docs/metrics-to-alerts.md), told apart by the first byte (0 for binary).',
  );

/**
 * A baseline record in memory: the same columns whichever wire form it came in or goes out as; `schema` says which
 * (`encodeEvent` writes a `tideline.baseline/3` record as binary, a `tideline.baseline/2` one as JSON).
 */
export type BaselineRecord = Omit<z.infer<typeof baselineRecordSchema>, 'schema'> & {
  readonly schema: typeof BASELINE_JSON_SCHEMA | typeof BASELINE_BINARY_SCHEMA;
};

/** The record of one series' judged points (in event-time order; at least one), to be published as binary. */
export function baselineRecordOf(points: readonly BaselinePoint[]): BaselineRecord {
  const first = points[0];
  if (first === undefined) throw new RangeError('a baseline record needs at least one point');
  return {
    schema: BASELINE_BINARY_SCHEMA,
    series: first.series,
    host: first.host,
    metric: first.metric,
    tags: { ...first.tags },
    points: {
      ts: points.map((p) => p.ts),
      value: points.map((p) => p.value),
      expected: points.map((p) => p.expected),
      lower: points.map((p) => p.lower),
      upper: points.map((p) => p.upper),
      score: points.map((p) => p.score),
      detector: points.map((p) => p.detector),
      ready: points.map((p) => p.ready),
      deviation: points.map((p) => p.evidence.deviation),
      seasonality: points.map((p) => p.evidence.seasonality),
      observations: points.map((p) => p.evidence.observations),
      ...(points.every((p) => p.evidence.tailProbability !== undefined)
        ? { tailProbability: points.map((p) => p.evidence.tailProbability!) }
        : {}),
    },
  };
}

/**
 * Points per record at most: a point takes 75 bytes in the binary form (at most ~175 as JSON columns), so with a
 * series name and tags at their limits a record stays under `LIMITS.maxEventBytes` (64 KiB), which every decoder
 * enforces.
 */
export const MAX_POINTS_PER_BASELINE_RECORD = 200;

/** One series' judged points (in event-time order) as records of at most {@link MAX_POINTS_PER_BASELINE_RECORD}. */
export function baselineRecordsOf(points: readonly BaselinePoint[]): BaselineRecord[] {
  const out: BaselineRecord[] = [];
  for (let i = 0; i < points.length; i += MAX_POINTS_PER_BASELINE_RECORD)
    out.push(baselineRecordOf(points.slice(i, i + MAX_POINTS_PER_BASELINE_RECORD)));
  return out;
}

/** The record's points, in order. */
export function baselinePointsOf(record: BaselineRecord): BaselinePoint[] {
  const { series, host, metric, tags, points: c } = record;
  return c.ts.map((ts, i) => ({
    series,
    host,
    metric,
    tags,
    ts,
    value: c.value[i]!,
    expected: c.expected[i]!,
    lower: c.lower[i]!,
    upper: c.upper[i]!,
    score: c.score[i]!,
    detector: c.detector[i]!,
    ready: c.ready[i]!,
    evidence:
      c.tailProbability === undefined
        ? { deviation: c.deviation[i]!, seasonality: c.seasonality[i]!, observations: c.observations[i]! }
        : {
            deviation: c.deviation[i]!,
            seasonality: c.seasonality[i]!,
            observations: c.observations[i]!,
            tailProbability: c.tailProbability[i]!,
          },
  }));
}

/** Validates a record in its JSON form (`tideline.baseline/2`); throws {@link ContractValidationError}. */
export function parseBaselineRecord(input: unknown): BaselineRecord {
  const fast = fastParseBaselineRecord(input);
  if (fast !== undefined) return fast;
  const result = baselineRecordSchema.safeParse(input, { reportInput: true });
  if (!result.success) throw new ContractValidationError(BASELINE_JSON_SCHEMA, toFieldIssues(result.error));
  return result.data;
}

const RECORD_KEYS = 6;
/** Columns of a record without and with the optional `tailProbability`. */
const COLUMNS = 11;
const SEASONALITY_SET: ReadonlySet<unknown> = new Set(SEASONALITIES);

function isStringRecord(value: unknown): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) if (typeof (value as Record<string, unknown>)[key] !== 'string') return false;
  return true;
}

function everyOf(column: unknown, n: number, test: (x: unknown) => boolean): boolean {
  if (!Array.isArray(column) || column.length !== n) return false;
  for (let i = 0; i < n; i++) if (!test(column[i])) return false;
  return true;
}

const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);

/**
 * The checks of {@link baselineRecordSchema} written out for the hot path (the anomaly service decodes every record):
 * returns the input when it certainly is valid, undefined on any doubt (zod then has the last word and the message).
 */
function fastParseBaselineRecord(input: unknown): BaselineRecord | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const r = input as Record<string, unknown>;
  const c = r['points'] as Record<string, unknown> | undefined;
  if (
    r['schema'] !== BASELINE_JSON_SCHEMA ||
    typeof r['series'] !== 'string' ||
    r['series'].length === 0 ||
    typeof r['host'] !== 'string' ||
    typeof r['metric'] !== 'string' ||
    !isStringRecord(r['tags']) ||
    typeof c !== 'object' ||
    c === null ||
    Object.keys(r).length !== RECORD_KEYS ||
    Object.keys(c).length !== COLUMNS + (c['tailProbability'] === undefined ? 0 : 1) ||
    !Array.isArray(c['ts'])
  )
    return undefined;
  const n = c['ts'].length;
  const ok =
    n > 0 &&
    everyOf(c['ts'], n, Number.isInteger) &&
    everyOf(c['value'], n, finite) &&
    everyOf(c['expected'], n, finite) &&
    everyOf(c['lower'], n, finite) &&
    everyOf(c['upper'], n, finite) &&
    everyOf(c['score'], n, (x) => finite(x) && (x as number) >= 0 && (x as number) <= 1) &&
    everyOf(c['detector'], n, (x) => typeof x === 'string') &&
    everyOf(c['ready'], n, (x) => typeof x === 'boolean') &&
    everyOf(c['deviation'], n, finite) &&
    everyOf(c['seasonality'], n, (x) => SEASONALITY_SET.has(x)) &&
    everyOf(c['observations'], n, (x) => Number.isInteger(x) && (x as number) >= 0) &&
    (c['tailProbability'] === undefined ||
      everyOf(c['tailProbability'], n, (x) => finite(x) && (x as number) >= 0 && (x as number) <= 1));
  return ok ? (r as unknown as BaselineRecord) : undefined;
}
