import { z } from 'zod';
import { severitySchema } from '@tideline/contracts';

/** `low`, `medium`, `high`, or the score (0, 1] at which an alert fires (it clears below half of it). */
export const sensitivitySchema = z
  .union([z.enum(['low', 'medium', 'high']), z.number().gt(0).max(1)])
  .describe('low, medium, high, or a number in (0, 1]');

/**
 * `auto` derives the severity from the incident (its magnitude: peak score or distance beyond the band; its duration;
 * a crossed static limit); the others fix it.
 */
export const alertSeveritySchema = z
  .enum(['auto', ...severitySchema.options])
  .describe(`one of auto, ${severitySchema.options.join(', ')}`);

const durationMs = z.number().int().min(0).describe('an integer number of milliseconds >= 0');

/**
 * Magnitude that makes an incident critical: how far its value went beyond the band it was judged against, in units of
 * the band's half-width (1: as far beyond the edge as the edge is from the expected value).
 */
const criticalBeyondBand = z.number().gt(0).describe('a number > 0 (half-widths of the band beyond its edge)');

/** Duration that escalates a firing warning to critical; 0 never escalates by duration. */
const criticalAfterMs = durationMs;

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
    /** With `severity: auto`: critical once a value of the incident lies this many band half-widths beyond its band. */
    criticalBeyondBand: criticalBeyondBand.optional(),
    /** With `severity: auto`: a warning still firing this long after its incident started (event time) escalates. */
    criticalAfterMs: criticalAfterMs.optional(),
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
    criticalBeyondBand: criticalBeyondBand.optional(),
    criticalAfterMs: criticalAfterMs.optional(),
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
  criticalBeyondBand: 2,
  criticalAfterMs: 30 * 60 * 1000,
});

export type Sensitivity = z.infer<typeof sensitivitySchema>;
export type AlertSeverity = z.infer<typeof alertSeveritySchema>;
export type AlertMatch = z.infer<typeof alertMatchSchema>;
export type AlertDefaultsSection = z.infer<typeof alertDefaultsSchema>;
export type AlertRule = z.infer<typeof alertRuleSchema>;
export type AlertingSection = z.infer<typeof alertingSectionSchema>;
/** The defaults with every key set. */
export type AlertPolicyDefaults = Required<AlertDefaultsSection>;
