import { z } from 'zod';
import { ContractValidationError, toFieldIssues } from './validation-error';

export const BASELINE_POINT_SCHEMA = 'tideline.baseline/2' as const;

/**
 * One point as the baseline service judged it: published to the baselines topic for every point its model learned,
 * keyed by series (same key and partition count as the metrics topic, so one ordered stream per series). The band is
 * the one the point was scored against (before the model learned it), drawn at the confidence of the series' alert
 * policy, and is also the band stored in InfluxDB for that point: the anomaly service decides on exactly this record.
 */
export const baselinePointSchema = z
  .object({
    schema: z.literal(BASELINE_POINT_SCHEMA),
    series: z.string().min(1),
    host: z.string(),
    metric: z.string(),
    tags: z.record(z.string(), z.string()),
    /** Event time, epoch ms. */
    ts: z.number().int(),
    value: z.number(),
    expected: z.number(),
    lower: z.number(),
    upper: z.number(),
    /** Anomaly score in [0, 1]: 0.5 and above is the detector's own alert (`medium`). */
    score: z.number().min(0).max(1),
    /** What explains the score: none, spike, dip, level_shift, drift, new_high, new_low, seasonal_deviation. */
    detector: z.string(),
    /** False while the model warms up: its band is not yet trusted and its score is 0. */
    ready: z.boolean(),
    /** The evidence the detector used. */
    evidence: z
      .object({
        /** Deviation in units of the series' own usual surprise (1 = as unusual as it usually gets). */
        deviation: z.number(),
        seasonality: z.enum(['none', 'daily', 'weekly']),
        /** Points the model had learned before this one. */
        observations: z.number().int().nonnegative(),
      })
      .strict(),
  })
  .strict()
  .describe('tideline.baseline/2: one point as the baseline service judged it, on tideline.baselines.v1.');

export type BaselinePoint = z.infer<typeof baselinePointSchema>;

export function parseBaselinePoint(input: unknown): BaselinePoint {
  const fast = fastParseBaselinePoint(input);
  if (fast !== undefined) return fast;
  const result = baselinePointSchema.safeParse(input, { reportInput: true });
  if (!result.success) throw new ContractValidationError(BASELINE_POINT_SCHEMA, toFieldIssues(result.error));
  return result.data;
}

const SEASONALITIES = new Set(['none', 'daily', 'weekly']);
const POINT_KEYS = 14;
const EVIDENCE_KEYS = 3;

function isStringRecord(value: unknown): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) if (typeof (value as Record<string, unknown>)[key] !== 'string') return false;
  return true;
}

/**
 * The checks of {@link baselinePointSchema} written out for the hot path (the anomaly service decodes every point):
 * returns the input when it certainly is valid, undefined on any doubt (zod then has the last word and the message).
 */
function fastParseBaselinePoint(input: unknown): BaselinePoint | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const p = input as Record<string, unknown>;
  const e = p['evidence'] as Record<string, unknown> | undefined;
  const score = p['score'];
  const ts = p['ts'];
  const ok =
    p['schema'] === BASELINE_POINT_SCHEMA &&
    typeof p['series'] === 'string' &&
    p['series'].length > 0 &&
    typeof p['host'] === 'string' &&
    typeof p['metric'] === 'string' &&
    isStringRecord(p['tags']) &&
    Number.isInteger(ts) &&
    Number.isFinite(p['value']) &&
    Number.isFinite(p['expected']) &&
    Number.isFinite(p['lower']) &&
    Number.isFinite(p['upper']) &&
    typeof score === 'number' &&
    score >= 0 &&
    score <= 1 &&
    typeof p['detector'] === 'string' &&
    typeof p['ready'] === 'boolean' &&
    typeof e === 'object' &&
    e !== null &&
    Number.isFinite(e['deviation']) &&
    SEASONALITIES.has(e['seasonality'] as string) &&
    Number.isInteger(e['observations']) &&
    (e['observations'] as number) >= 0 &&
    Object.keys(p).length === POINT_KEYS &&
    Object.keys(e).length === EVIDENCE_KEYS;
  return ok ? (p as unknown as BaselinePoint) : undefined;
}
