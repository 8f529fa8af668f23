import { z } from 'zod';
import { TOPICS } from '@tideline/contracts';

const topicName = z
  .string()
  .regex(/^[a-zA-Z0-9._-]{1,249}$/, 'must be a Kafka topic name')
  .describe('a Kafka topic name (letters, digits, . _ -)');

const score = z.number().min(0).max(1).describe('a number 0-1');

/**
 * The anomaly service's own part of the alert lifecycle. Sensitivity, limits and durations are per series, in the
 * `alerting` section that the baseline service reads too (it draws each series' band at its sensitivity).
 */
export const alertLifecycleSectionSchema = z
  .object({
    /**
     * With `severity: auto`, an incident whose peak score reaches this is critical (so is one whose value crossed a
     * static limit), otherwise warning. 0.6: at least 1.5 times beyond the series' usual extremes, what even `low`
     * sensitivity alerts on.
     */
    criticalScore: score.default(0.6),
  })
  .strict();

export const WEBHOOK_FORMATS = ['generic', 'slack', 'alertmanager'] as const;

/** One webhook the forwarder posts alerts to. */
export const webhookSchema = z
  .object({
    name: z.string().min(1).describe('a short name for logs and metrics'),
    url: z.url({ protocol: /^https?$/ }).describe('an http(s) URL'),
    format: z
      .enum(WEBHOOK_FORMATS)
      .default('generic')
      .describe(`one of ${WEBHOOK_FORMATS.join(', ')}`),
    /** HMAC-SHA256 key; prefer `secretEnv` so the secret stays out of the file. */
    secret: z.string().min(1).optional().describe('a non-empty HMAC key'),
    /** Name of an environment variable holding the HMAC key. */
    secretEnv: z.string().min(1).optional().describe('an environment variable name'),
    minSeverity: z.enum(['info', 'warning', 'critical']).default('info').describe('info, warning or critical'),
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .max(120_000)
      .default(5000)
      .describe('an integer number of milliseconds 100-120000'),
    /** Retries of a failed delivery (5xx, 429, network), with jittered exponential backoff. */
    maxRetries: z.number().int().min(0).max(100).default(8).describe('an integer 0-100'),
    /**
     * Format `alertmanager` posting to Alertmanager's API (`/api/v2/alerts`) only: how often the alerts still firing are
     * posted again, as Prometheus does, so Alertmanager does not end them after its `resolve_timeout` (default 5 m).
     * Keep it below half of that timeout. 0 posts a firing alert once.
     */
    resendIntervalMs: z
      .number()
      .int()
      .min(0)
      .max(3_600_000)
      .default(60_000)
      .describe('an integer number of milliseconds 0-3600000 (0 = never resend)'),
    /** Send requests without a signature: only for a receiver that cannot verify one. */
    unsigned: z.boolean().default(false).describe('true (send without a signature, no secret) or false'),
  })
  .strict()
  .superRefine((webhook, context) => {
    const hasSecret = webhook.secret !== undefined || webhook.secretEnv !== undefined;
    if (!hasSecret && !webhook.unsigned) {
      context.addIssue({
        code: 'custom',
        path: ['secret'],
        input: undefined,
        message: 'every request is signed: give secret or secretEnv, or set unsigned: true',
      });
    } else if (hasSecret && webhook.unsigned) {
      context.addIssue({
        code: 'custom',
        path: ['unsigned'],
        input: true,
        message: 'a webhook with a secret is signed: remove secret/secretEnv or unsigned',
      });
    }
  });

/** The anomaly service (the decision stage): topics, lifecycle policy, and the webhook forwarder. */
export const anomalySectionSchema = z
  .object({
    topics: z
      .object({
        /** What it consumes: every point as the baseline service judged it. */
        baselines: topicName.default(TOPICS.baselines),
        alertState: topicName.default(TOPICS.alertState),
        alerts: topicName.default(TOPICS.alerts),
        /** Where the `alerts` rows InfluxDB refused go, each with InfluxDB's reason (shared with the baseline service). */
        pointsDeadLetter: topicName.default(TOPICS.pointsDeadLetter),
      })
      .strict()
      .prefault({}),
    consumerGroup: z.string().min(1).default('tideline-anomaly').describe('a non-empty consumer group id'),
    partitionsConsumedConcurrently: z.number().int().min(1).max(64).default(3).describe('an integer 1-64'),
    lifecycle: alertLifecycleSectionSchema.prefault({}),
    webhooks: z.array(webhookSchema).default([]),
    webhookConsumerGroup: z.string().min(1).default('tideline-webhooks').describe('a non-empty consumer group id'),
  })
  .strict();

export type AnomalySection = z.infer<typeof anomalySectionSchema>;
export type AlertLifecycleSection = z.infer<typeof alertLifecycleSectionSchema>;
export type WebhookSection = z.infer<typeof webhookSchema>;
