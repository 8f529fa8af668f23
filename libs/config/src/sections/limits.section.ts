import { z } from 'zod';
import { DEFAULTS } from '../defaults';

const count = (min: number) => z.number().int().min(min).max(100_000_000).describe(`an integer ${min}-100000000`);

/**
 * How many series a pipeline service instance holds, read by the baseline and the anomaly service. Sized by default for
 * a 2-core, 24 GiB machine running Kafka, InfluxDB and both services (see docs/operations.md, Limits): a series costs
 * the baseline service about 20 KB (its model and its checkpoint) and the anomaly service far less.
 */
export const limitsSectionSchema = z
  .object({
    /**
     * Series one baseline service instance keeps active (in memory); a new series (no model in memory, no checkpoint)
     * beyond it is dead-lettered `cardinality_exceeded`.
     */
    maxActiveSeries: count(1).default(DEFAULTS.limits.maxActiveSeries),
    /** Active series of one host on one baseline service instance; a new one beyond it is dead-lettered likewise. */
    maxSeriesPerHost: count(1).default(DEFAULTS.limits.maxSeriesPerHost),
    /**
     * Hard cap of series in memory per instance (both services): beyond it the least recently used series leave memory
     * (their state stays in the compacted checkpoint or alert-state topic and reloads on their next point). At least
     * `maxActiveSeries`.
     */
    maxSeriesInMemory: count(1).default(DEFAULTS.limits.maxSeriesInMemory),
    /** A series without a point for this long (processing time) leaves memory, as above. 0 keeps idle series. */
    idleEvictionMs: z
      .number()
      .int()
      .min(0)
      .default(DEFAULTS.limits.idleEvictionMs)
      .describe('an integer number of milliseconds >= 0 (0: never)'),
  })
  .strict()
  .superRefine((limits, ctx) => {
    if (limits.maxSeriesInMemory < limits.maxActiveSeries)
      ctx.addIssue({
        code: 'custom',
        path: ['maxSeriesInMemory'],
        message: `must be at least limits.maxActiveSeries (${limits.maxActiveSeries})`,
      });
  });

export type LimitsSection = z.infer<typeof limitsSectionSchema>;
