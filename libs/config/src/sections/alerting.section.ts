import { z } from 'zod';
import { severitySchema } from '@tideline/contracts';

/** `low`, `medium`, `high`, or the score (0, 1] at which an alert fires (it clears below half of it). */
export const sensitivitySchema = z
  .union([z.enum(['low', 'medium', 'high']), z.number().gt(0).max(1)])
  .describe('low, medium, high, or a number in (0, 1]');

/** `auto` derives the severity from the incident (its peak score, a crossed static limit); the others fix it. */
export const alertSeveritySchema = z
  .enum(['auto', ...severitySchema.options])
  .describe(`one of auto, ${severitySchema.options.join(', ')}`);

const durationMs = z.number().int().min(0).describe('an integer number of milliseconds >= 0');

const glob = z
  .string()
  .min(1)
  .describe('a non-empty glob: * any run of characters, ? one character, everything else literal');

/**
 * Which series a rule applies to: globs on the metric name, the host and tag values, each matched against the whole
 * string. Every given glob must match; a key left out matches anything, so `{}` matches every series. A tag glob
 * never matches a series without that tag.
 */
export const alertMatchSchema = z
  .object({
    metric: glob.optional(),
    host: glob.optional(),
    tags: z.record(z.string().min(1), glob).optional().describe('a mapping of tag name to glob'),
  })
  .strict();

/**
 * What a series' alerts follow when no rule says otherwise. Every key is optional: what is left out comes from
 * {@link ALERT_POLICY_DEFAULTS} (see `effectiveAlertDefaults`).
 */
export const alertDefaultsSchema = z
  .object({
    sensitivity: sensitivitySchema.optional(),
    /** Breaching must last this long (event time) before the alert fires; 0 fires at once. */
    minDurationMs: durationMs.optional(),
    /** Calm must last this long before the alert resolves; 0 resolves on the first calm point. */
    clearDurationMs: durationMs.optional(),
    severity: alertSeveritySchema.optional(),
  })
  .strict();

/** One alert rule. Every key but `match` is optional and falls back to `alerting.defaults`. */
export const alertRuleSchema = z
  .object({
    /** Names the rule in messages and in resolved policies; without it the rule is `rules[<index>]`. */
    name: z.string().min(1).optional().describe('a non-empty name'),
    match: alertMatchSchema,
    sensitivity: sensitivitySchema.optional(),
    /** Static limits: a value above `upper` or below `lower` breaches whatever the model says. */
    upper: z.number().optional().describe('a number, above lower'),
    lower: z.number().optional().describe('a number, below upper'),
    minDurationMs: durationMs.optional(),
    clearDurationMs: durationMs.optional(),
    severity: alertSeveritySchema.optional(),
    /** Never alert: the series is still scored, and its incidents tracked and stored, but nothing is published. */
    mute: z.boolean().optional().describe('true or false'),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (rule.lower !== undefined && rule.upper !== undefined && rule.lower >= rule.upper) {
      ctx.addIssue({
        code: 'custom',
        path: ['lower'],
        input: rule.lower,
        message: `must be below upper (${rule.upper})`,
      });
    }
  });

/**
 * Per-metric alert policy, shared by the baseline service (which draws each series' band at its sensitivity's band
 * confidence) and the anomaly service (which decides alerts). Rules are tried in order; the first whose `match`
 * matches a series gives its policy, the defaults fill what the rule leaves out. Compile with `compileAlertRules`.
 */
export const alertingSectionSchema = z
  .object({
    defaults: alertDefaultsSchema.prefault({}),
    rules: z.array(alertRuleSchema).default([]).describe('a list of rules, each with a match'),
  })
  .strict();

/** The built-in alert policy defaults, the last fallback of every rule. */
export const ALERT_POLICY_DEFAULTS: Readonly<AlertPolicyDefaults> = Object.freeze({
  sensitivity: 'medium',
  minDurationMs: 0,
  clearDurationMs: 0,
  severity: 'auto',
});

export type Sensitivity = z.infer<typeof sensitivitySchema>;
export type AlertSeverity = z.infer<typeof alertSeveritySchema>;
export type AlertMatch = z.infer<typeof alertMatchSchema>;
export type AlertDefaultsSection = z.infer<typeof alertDefaultsSchema>;
export type AlertRule = z.infer<typeof alertRuleSchema>;
export type AlertingSection = z.infer<typeof alertingSectionSchema>;
/** The defaults with every key set. */
export type AlertPolicyDefaults = Required<AlertDefaultsSection>;
