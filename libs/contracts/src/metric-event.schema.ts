import { z } from 'zod';
import { LIMITS } from './limits';
import { lineProtocolNameProblem } from './line-protocol-format';
import { ContractValidationError, toFieldIssues } from './validation-error';

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
  if (!result.success) throw new ContractValidationError(METRIC_EVENT_SCHEMA, toFieldIssues(result.error));
  return result.data;
}
