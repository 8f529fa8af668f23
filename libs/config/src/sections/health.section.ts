import { z } from 'zod';
import { DEFAULTS } from '../defaults';

const milliseconds = (min: number, max: number) =>
  z.number().int().min(min).max(max).describe(`an integer number of milliseconds ${min}-${max}`);

/**
 * When a Kafka consumer counts as stalled, read by every service with consumers (baseline, anomaly): readiness is 503
 * while a partition assigned to the instance has lag and its committed offset has not moved for `stallAfterMs`,
 * measured from the broker every `lagIntervalMs` (docs/operations.md, Health endpoints).
 */
export const healthSectionSchema = z
  .object({
    /** Lag without commit progress for this long is a stall. At least `lagIntervalMs`. */
    stallAfterMs: milliseconds(1000, 3_600_000).default(DEFAULTS.health.stallAfterMs),
    /** Between two lag measurements (each asks the broker for the end and committed offsets). */
    lagIntervalMs: milliseconds(100, 600_000).default(DEFAULTS.health.lagIntervalMs),
  })
  .strict()
  .superRefine((health, ctx) => {
    // a stall is only seen at a measurement: a shorter stall time would still wait for the next one
    if (health.stallAfterMs < health.lagIntervalMs)
      ctx.addIssue({
        code: 'custom',
        path: ['stallAfterMs'],
        message: `must be at least health.lagIntervalMs (${health.lagIntervalMs})`,
      });
  });

export type HealthSection = z.infer<typeof healthSectionSchema>;
