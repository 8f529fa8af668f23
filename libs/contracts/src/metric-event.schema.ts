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
    metric: name,
    host: name,
    value: z.number(),
    ts: z.number().int().nonnegative(),
    tags: z
      .record(name, name)
      .refine((tags) => Object.keys(tags).length <= LIMITS.maxTags, {
        message: `must have at most ${LIMITS.maxTags} tags`,
        params: { code: 'too_many' },
      })
      .default({}),
    unit: z.string().max(32).optional(),
    source: z.enum(['collector', 'sdk', 'telegraf', 'replay', 'other']).optional(),
  })
  .strict();

export type MetricEvent = z.infer<typeof metricEventSchema>;

/** Validates an unknown value as a metric event; throws {@link ContractValidationError} naming the failing field. */
export function parseMetricEvent(input: unknown): MetricEvent {
  const result = metricEventSchema.safeParse(input, { reportInput: true });
  if (!result.success) throw new ContractValidationError(METRIC_EVENT_SCHEMA, toFieldIssues(result.error));
  return result.data;
}
