import { z } from 'zod';
import { LIMITS } from './limits';
import { lineProtocolNameProblem } from './line-protocol-format';
import { ContractValidationError, toFieldIssues, type FieldIssue } from './validation-error';

export const METRIC_EVENT_SCHEMA = 'tideline.metric/1' as const;

/** A metric, host, tag key or tag value: every one is written to InfluxDB, so it must be writable exactly. */
const name = z
  .string()
  .min(1)
  .max(LIMITS.maxNameLength)
  .superRefine((value, ctx) => {
    const problem = lineProtocolNameProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, params: { code: 'not_writable' } });
  });

/**
 * Tag keys no event may carry: a plain object drops `__proto__` (or takes an object value as its prototype), and zod
 * drops it from a record, so the tag would vanish on the way; such an event is refused (`tag_key_reserved`) rather
 * than silently changed.
 */
export const RESERVED_TAG_KEYS: ReadonlySet<string> = new Set(['__proto__']);

/**
 * One measurement of one series. `ts` is epoch milliseconds; time always travels with the data.
 * The series identity is (metric, host, tags): see {@link seriesKey}.
 */
export const metricEventSchema = z
  .object({
    schema: z.literal(METRIC_EVENT_SCHEMA),
    metric: name.describe('Metric name, dot-separated by convention, e.g. cpu.total, disk.used_percent.'),
    host: name.describe('The host the value was measured on.'),
    value: z.number().describe('The measured value, in `unit`; a finite number.'),
    ts: z.number().int().nonnegative().describe('Event time: milliseconds since the Unix epoch (UTC).'),
    tags: z
      .record(name, name)
      .refine((tags) => Object.keys(tags).length <= LIMITS.maxTags, {
        message: `must have at most ${LIMITS.maxTags} tags`,
        params: { code: 'too_many' },
      })
      .default({})
      .describe('More identity of the series (e.g. core, mount, route); metric, host and tags name one series.'),
    unit: z.string().max(32).optional().describe('Unit of `value`, e.g. percent, bytes, ms, bytes/s.'),
    source: z.enum(['collector', 'sdk', 'telegraf', 'replay', 'other']).optional().describe('What produced the event.'),
  })
  .strict()
  .describe('tideline.metric/1: one measurement of one series, published to tideline.metrics.v1 keyed by series.');

export type MetricEvent = z.infer<typeof metricEventSchema>;

/** Validates an unknown value as a metric event; throws {@link ContractValidationError} naming the failing field. */
export function parseMetricEvent(input: unknown): MetricEvent {
  const result = metricEventSchema.safeParse(input, { reportInput: true });
  // zod skips a "__proto__" key of a record before any check can see it: look at the input itself
  const reserved = reservedTagIssue(input);
  if (!result.success || reserved !== undefined) {
    const issues = result.success ? [] : toFieldIssues(result.error);
    throw new ContractValidationError(METRIC_EVENT_SCHEMA, reserved === undefined ? issues : [reserved, ...issues]);
  }
  return result.data;
}

function reservedTagIssue(input: unknown): FieldIssue | undefined {
  if (typeof input !== 'object' || input === null || !Object.prototype.hasOwnProperty.call(input, 'tags')) {
    return undefined;
  }
  const tags: unknown = (input as { tags: unknown }).tags;
  if (typeof tags !== 'object' || tags === null) return undefined;
  for (const key of RESERVED_TAG_KEYS) {
    if (Object.prototype.hasOwnProperty.call(tags, key)) {
      return { field: 'tags', code: 'reserved', reason: `has an invalid key ${JSON.stringify(key)}: is reserved` };
    }
  }
  return undefined;
}
