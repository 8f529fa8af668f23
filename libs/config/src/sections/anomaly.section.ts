import { z } from 'zod';
import { TOPICS } from '@tideline/contracts';

const topicName = z
  .string()
  .regex(/^[a-zA-Z0-9._-]{1,249}$/, 'must be a Kafka topic name')
  .describe('a Kafka topic name (letters, digits, . _ -)');

const score = z.number().min(0).max(1).describe('a number 0-1');

/**
 * When a series' scores open and close an incident: the sensitivity of libs/stats' alert state machine (its fire and
 * clear levels, with hysteresis) and how long, in event time, breaching or calm must last.
 */
export const alertLifecycleSectionSchema = z
  .object({
    /** `low`, `medium`, `high`, or the score (0-1] at which an alert fires (it clears below half of it). */
    sensitivity: z
      .union([z.enum(['low', 'medium', 'high']), z.number().gt(0).max(1)])
      .default('medium')
      .describe('low, medium, high, or a number in (0, 1]'),
    /** Breaching must last this long (first to last breaching point) before the alert fires; 0 fires at once. */
    minDurationMs: z.number().int().min(0).default(0).describe('an integer number of milliseconds >= 0'),
    /** Calm must last this long before the alert resolves; 0 resolves on the first calm point. */
    clearDurationMs: z.number().int().min(0).default(0).describe('an integer number of milliseconds >= 0'),
    /** An incident whose peak score reaches this is critical, otherwise warning. */
    criticalScore: score.default(0.8),
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
  })
  .strict();

/** The anomaly service: topics, lifecycle policy, and the webhook forwarder. */
export const anomalySectionSchema = z
  .object({
    topics: z
      .object({
        metrics: topicName.default(TOPICS.metrics),
        modelCheckpoints: topicName.default(TOPICS.modelCheckpoints),
        alertState: topicName.default(TOPICS.alertState),
        alerts: topicName.default(TOPICS.alerts),
      })
      .strict()
      .prefault({}),
    consumerGroup: z.string().min(1).default('tideline-anomaly').describe('a non-empty consumer group id'),
    partitionsConsumedConcurrently: z.number().int().min(1).max(64).default(3).describe('an integer 1-64'),
    lifecycle: alertLifecycleSectionSchema.prefault({}),
    /**
     * Least time between two persisted snapshots of a series' model (with its lifecycle, in the alert-state topic);
     * a lifecycle change is always persisted at once. After a crash, points learned since the last snapshot are not
     * relearned.
     */
    modelCheckpointIntervalMs: z
      .number()
      .int()
      .min(0)
      .default(60_000)
      .describe('an integer number of milliseconds >= 0'),
    /** Write anomaly scores to InfluxDB (`anomaly_scores`). */
    writeScores: z.boolean().default(true).describe('true or false'),
    /**
     * Resolution of the written scores, in event time: per series, the point with the highest score of each window
     * this long (a series sampled less often keeps every point). 0 writes every point's score.
     */
    scoreResolutionMs: z.number().int().min(0).default(10_000).describe('an integer number of milliseconds >= 0'),
    /**
     * Dead-letter bad metric records too. Off by default: the baseline service, which reads the same topic, owns its
     * dead-letter topic, so each bad record is dead-lettered once; the anomaly service counts what it skips.
     */
    deadLetter: z.boolean().default(false).describe('true or false'),
    webhooks: z.array(webhookSchema).default([]),
    webhookConsumerGroup: z.string().min(1).default('tideline-webhooks').describe('a non-empty consumer group id'),
  })
  .strict();

export type AnomalySection = z.infer<typeof anomalySectionSchema>;
export type AlertLifecycleSection = z.infer<typeof alertLifecycleSectionSchema>;
export type WebhookSection = z.infer<typeof webhookSchema>;
