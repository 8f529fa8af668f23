import { z } from 'zod';
import { ContractValidationError, toFieldIssues } from './validation-error';

export const BASELINE_UPDATE_SCHEMA = 'tideline.baseline/1' as const;

/** The band a series is expected to stay in at `ts`, as published by the baseline service. */
export const baselineUpdateSchema = z
  .object({
    schema: z.literal(BASELINE_UPDATE_SCHEMA),
    series: z.string().min(1),
    ts: z.number().int(),
    expected: z.number(),
    lower: z.number(),
    upper: z.number(),
    /** Points the model has learned from; below its warm-up the band is not yet trusted. */
    observations: z.number().int().nonnegative(),
  })
  .strict();

export type BaselineUpdate = z.infer<typeof baselineUpdateSchema>;

export function parseBaselineUpdate(input: unknown): BaselineUpdate {
  const result = baselineUpdateSchema.safeParse(input, { reportInput: true });
  if (!result.success) throw new ContractValidationError(BASELINE_UPDATE_SCHEMA, toFieldIssues(result.error));
  return result.data;
}
