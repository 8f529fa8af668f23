import { z } from 'zod';
import { ContractValidationError, toFieldIssues } from './validation-error';

export const ALERT_EVENT_SCHEMA = 'tideline.alert/1' as const;

export const alertStateSchema = z.enum(['firing', 'resolved']);
export const severitySchema = z.enum(['info', 'warning', 'critical']);

/**
 * One alert lifecycle transition. `id` is deterministic per incident (series + start time), so a redelivered
 * event never produces a second alert with a different id.
 */
export const alertEventSchema = z
  .object({
    schema: z.literal(ALERT_EVENT_SCHEMA),
    id: z.string().min(1),
    series: z.string().min(1),
    host: z.string(),
    metric: z.string(),
    tags: z.record(z.string(), z.string()),
    state: alertStateSchema,
    value: z.number(),
    expected: z.number(),
    lower: z.number(),
    upper: z.number(),
    score: z.number().min(0).max(1),
    severity: severitySchema,
    detector: z.string(),
    startedAt: z.number().int(),
    updatedAt: z.number().int(),
    resolvedAt: z.number().int().optional(),
    influxql: z.string(),
  })
  .strict();

export type AlertEvent = z.infer<typeof alertEventSchema>;
export type AlertState = z.infer<typeof alertStateSchema>;
export type Severity = z.infer<typeof severitySchema>;

export function parseAlertEvent(input: unknown): AlertEvent {
  const result = alertEventSchema.safeParse(input, { reportInput: true });
  if (!result.success) throw new ContractValidationError(ALERT_EVENT_SCHEMA, toFieldIssues(result.error));
  return result.data;
}
