import { z } from 'zod';
import { ContractValidationError, toFieldIssues } from './validation-error';

export const ALERT_EVENT_SCHEMA = 'tideline.alert/1' as const;

export const alertStateSchema = z
  .enum(['firing', 'resolved'])
  .describe(
    'firing: the incident opened (once per incident), or a firing warning escalated to critical (at most once, same ' +
      'id); resolved: the series is calm and back in its band.',
  );
export const severitySchema = z
  .enum(['info', 'warning', 'critical'])
  .describe(
    'critical: a large deviation (peak score at the critical level, or a value criticalBeyondBand band ' +
      'half-widths beyond its band), a warning firing for criticalAfterMs (then published again as firing with the ' +
      'same id: an escalation), or a static limit crossed; warning otherwise; info or a fixed severity when an ' +
      'alert rule says so.',
  );

/**
 * One alert lifecycle transition. `id` is deterministic per incident (series + start time), so a redelivered
 * event never produces a second alert with a different id.
 */
export const alertEventSchema = z
  .object({
    schema: z.literal(ALERT_EVENT_SCHEMA),
    id: z
      .string()
      .min(1)
      .describe('The incident: 32 hex digits of sha256(series + "\\n" + startedAt); the same on firing and resolved.'),
    series: z.string().min(1).describe('The series key: metric|host=…|tag=… (tags sorted).'),
    host: z.string(),
    metric: z.string(),
    tags: z.record(z.string(), z.string()),
    state: alertStateSchema,
    value: z.number().describe('The value of the point that caused this transition, in the metric’s unit.'),
    expected: z.number().describe('What the model expected for that point.'),
    lower: z.number().describe('Lower edge of the band the point was judged against (the band stored in InfluxDB).'),
    upper: z.number().describe('Upper edge of that band.'),
    score: z
      .number()
      .min(0)
      .max(1)
      .describe('Anomaly score of the point: 0.5 and above is the detector’s own alert (sensitivity medium).'),
    severity: severitySchema,
    tailProbability: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe(
        'The evidence of the detector for the point: how likely a deviation at least this large is under the model ' +
          '(two-sided; 1 when nothing is unusual). Absent when the model does not report it.',
      ),
    detector: z
      .string()
      .describe(
        'What explains the incident: spike, dip, level_shift, drift, new_high, new_low, seasonal_deviation, or ' +
          'none (a static limit, or a value still outside its band).',
      ),
    startedAt: z.number().int().describe('First breaching point of the incident, epoch ms (event time).'),
    updatedAt: z.number().int().describe('The point that caused this transition, epoch ms (event time).'),
    resolvedAt: z.number().int().optional().describe('resolved only: first calm point, epoch ms (event time).'),
    influxql: z.string().describe('An InfluxQL query of the points, band and scores around the incident.'),
    explanation: z
      .string()
      .optional()
      .describe(
        'Why, in the detector’s own terms, e.g. "spike: 94.4 above the band 72.3–86.0 (expected 79.1); 1.9 times ' +
          'as unusual as this series usually gets; 1 in 120,000 under the model".',
      ),
  })
  .strict()
  .describe('tideline.alert/1: one alert transition, published to tideline.alerts.v1 keyed by series.');

export type AlertEvent = z.infer<typeof alertEventSchema>;
export type AlertState = z.infer<typeof alertStateSchema>;
export type Severity = z.infer<typeof severitySchema>;

export function parseAlertEvent(input: unknown): AlertEvent {
  const result = alertEventSchema.safeParse(input, { reportInput: true });
  if (!result.success) throw new ContractValidationError(ALERT_EVENT_SCHEMA, toFieldIssues(result.error));
  return result.data;
}

/**
 * A number of an alert for people: five significant digits at its real magnitude (11081234567.8 → 11081000000,
 * 0.000123456 → 0.00012346, 42 → 42).
 */
export function formatAlertNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(5)));
}
