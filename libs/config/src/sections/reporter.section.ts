import { Cron } from 'croner';
import { z } from 'zod';
import { HOST_METRIC_NAMES } from '@tideline/contracts';
import { resolveSensitivity } from '@tideline/stats';
import { alertLifecycleSectionSchema } from './anomaly.section';

const email = z
  .string()
  .regex(/^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+$/, 'must be an e-mail address like ops@example.com')
  .describe('an e-mail address');

const duration = (what: string) => z.number().int().min(0).describe(`${what}, an integer number of milliseconds >= 0`);

function isValidCron(expr: string): boolean {
  try {
    new Cron(expr, { paused: true });
    return true;
  } catch {
    return false;
  }
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** One limit or SLO, for a metric (name or glob) and optionally only some hosts (glob). The first match wins. */
export const reporterLimitSchema = z
  .object({
    metric: z.string().min(1).describe('a metric name or glob such as disk.used_percent or latency.*'),
    hosts: z.string().min(1).optional().describe('a host glob such as db-*'),
    limit: z.number().refine(Number.isFinite, 'must be a finite number').describe('a number'),
    kind: z.enum(['capacity', 'slo']).default('capacity').describe('capacity or slo'),
    label: z.string().min(1).optional().describe('a short label such as "disk full"'),
  })
  .strict();

/** SMTP delivery. Absent: reports are written as .eml files to `outboxDir` instead. */
export const reporterSmtpSchema = z
  .object({
    /** `smtp://user:pass@host:port` or `smtps://…`; wins over host/port/secure/auth. */
    url: z
      .url({ protocol: /^smtps?$/ })
      .optional()
      .describe('an smtp:// or smtps:// URL'),
    host: z.string().min(1).optional().describe('an SMTP server host name'),
    port: z.number().int().min(1).max(65535).default(587).describe('an integer port 1-65535'),
    /** Implicit TLS (port 465). False still upgrades with STARTTLS when the server offers it. */
    secure: z.boolean().default(false).describe('true or false'),
    auth: z
      .object({ user: z.string().min(1).describe('a user name'), pass: z.string().describe('a password') })
      .strict()
      .optional(),
    from: email.default('tideline@localhost'),
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .max(600_000)
      .default(30_000)
      .describe('an integer number of milliseconds 100-600000'),
  })
  .strict()
  .refine((s) => s.url !== undefined || s.host !== undefined, { message: 'needs url or host', path: ['host'] });

const score = z.number().min(0).max(1).describe('a score 0-1');

/**
 * The score levels of the reporter, on the detector's scale (libs/stats `resolveSensitivity`: the detector scores its
 * alerts r/(r + 1) ≥ 0.5, ordinary points below 0.3), so that the report and the alerts agree on what is anomalous,
 * warning and critical.
 */
export const ALERT_SCORES = Object.freeze({
  /** What medium sensitivity, the default, fires at. */
  anomalous: resolveSensitivity('medium').fireLevel,
  /** Severity `auto` makes every alert below the critical score a warning, so warning starts where alerts do. */
  warning: resolveSensitivity('medium').fireLevel,
  /** The anomaly service's default critical score (anomaly.lifecycle.criticalScore). */
  critical: alertLifecycleSectionSchema.parse({}).criticalScore,
});

/**
 * Default limits: the percentages of disk and memory in use, full at 100, by the names the collector publishes them
 * under (libs/contracts' `HOST_METRIC_NAMES`; an app may publish the same names with the SDK).
 */
export const DEFAULT_REPORTER_LIMITS = Object.freeze([
  Object.freeze({
    metric: HOST_METRIC_NAMES.diskUsedPercent,
    limit: 100,
    kind: 'capacity' as const,
    label: 'disk full',
  }),
  Object.freeze({
    metric: HOST_METRIC_NAMES.memUsedPercent,
    limit: 100,
    kind: 'capacity' as const,
    label: 'memory exhausted',
  }),
]);

/** The reporter: when the weekly report runs, what it analyses, and where it goes. */
export const reporterSectionSchema = z
  .object({
    schedule: z
      .object({
        cron: z
          .string()
          .refine(isValidCron, 'must be a cron expression such as "0 8 * * 1"')
          .default('0 8 * * 1')
          .describe('a cron expression (minute hour day month weekday)'),
        timezone: z
          .string()
          .refine(isValidTimeZone, 'must be an IANA timezone such as Europe/Berlin')
          .default('UTC')
          .describe('an IANA timezone such as UTC or Europe/Berlin'),
        /** Catch up the most recent tick missed while no reporter ran, when it is younger than this. */
        catchUpMaxAgeMs: duration('how old a missed tick may be and still be caught up').default(7 * 24 * 3_600_000),
        /** Run the schedule at all (off: only `tideline report --now` and the HTTP API). */
        enabled: z.boolean().default(true).describe('true or false'),
      })
      .strict()
      .prefault({}),
    /** InfluxQL timeout of the report's queries (they scan a fortnight of every series, so far above influx.timeoutMs). */
    queryTimeoutMs: z
      .number()
      .int()
      .min(1000)
      .max(3_600_000)
      .default(600_000)
      .describe('an integer number of milliseconds 1000-3600000'),
    /** Length of the reported period, ending at the tick. */
    periodMs: z
      .number()
      .int()
      .min(3_600_000)
      .default(7 * 24 * 3_600_000)
      .describe('an integer number of milliseconds >= 3600000'),
    /** Reports (HTML + JSON + charts), the delivery queue and the .eml outbox live under this folder. */
    dataDir: z.string().min(1).default('.tideline/reporter').describe('a folder path'),
    /** Where .eml files go without SMTP config; default `<dataDir>/outbox`. */
    outboxDir: z.string().min(1).optional().describe('a folder path'),
    smtp: reporterSmtpSchema.optional(),
    /** Recipients per team: each team gets one message. */
    recipients: z.record(z.string().min(1), z.array(z.string())).default({}),
    subjectPrefix: z.string().default('[Tideline]').describe('a short text'),
    limits: z.array(reporterLimitSchema).default(() => DEFAULT_REPORTER_LIMITS.map((l) => ({ ...l }))),
    analysis: z
      .object({
        /**
         * Anomaly scores at or above this count as anomalous points (the dots on the charts, recurring hours, an
         * incident's anomalous points). Default: the score medium sensitivity fires at (`resolveSensitivity('medium')`
         * in libs/stats, 0.5): every alert the detector raises scores at least this, ordinary points below 0.3.
         */
        anomalyScore: score.default(ALERT_SCORES.anomalous),
        /** Anomalous points at or above this are drawn as warnings. Default 0.5: what severity `auto` calls warning. */
        warningScore: score.default(ALERT_SCORES.warning),
        /**
         * Anomalous points at or above this are drawn as critical. Default 0.6: the anomaly service's
         * `anomaly.lifecycle.criticalScore` default (`resolveSensitivity('low')`'s fire level: 1.5 times beyond the
         * series' usual extremes), so a red dot means what a critical alert means.
         */
        criticalScore: score.default(ALERT_SCORES.critical),
        /** An alert over within this is brief (a blip); a series whose alerts are mostly brief is noisy. */
        briefAlertMs: duration('how short a brief alert is').default(15 * 60_000),
        flapWindowMs: duration('the flap window').default(60 * 60_000),
        alpha: z.number().gt(0).lt(1).default(0.01).describe('a significance level between 0 and 1'),
        minSignificantChange: z.number().min(0).default(0.05).describe('a relative change such as 0.05'),
        capacityHorizonMs: duration('the capacity planning horizon').default(30 * 24 * 3_600_000),
        growthForCapacity: z.number().min(0).default(0.2).describe('a relative change such as 0.2'),
        noisyMinAlerts: z.number().int().min(1).default(5).describe('an integer >= 1'),
        noisyMinShareBrief: z.number().min(0).max(1).default(0.8).describe('a number 0-1'),
        maintenanceMinDays: z.number().int().min(2).default(3).describe('an integer >= 2'),
        /** Metrics (glob) checked for leak-like trends. */
        leakMetrics: z.string().min(1).default('*mem*').describe('a metric glob'),
        /** How far back the trends behind projections look. */
        trendLookbackMs: z
          .number()
          .int()
          .min(86_400_000)
          .default(14 * 24 * 3_600_000)
          .describe('an integer number of milliseconds >= 86400000'),
        maxCharts: z.number().int().min(0).max(50).default(12).describe('an integer 0-50'),
        /** With more series than this, p95 is computed only for the series the report lists (the costly query). */
        maxPercentileSeries: z.number().int().min(1).max(100_000).default(300).describe('an integer 1-100000'),
      })
      .strict()
      .prefault({}),
    delivery: z
      .object({
        initialDelayMs: z.number().int().min(10).default(5_000).describe('an integer number of milliseconds >= 10'),
        maxDelayMs: z
          .number()
          .int()
          .min(10)
          .default(15 * 60_000)
          .describe('an integer number of milliseconds >= 10'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type ReporterSection = z.infer<typeof reporterSectionSchema>;
export type ReporterLimit = z.infer<typeof reporterLimitSchema>;
export type ReporterSmtp = z.infer<typeof reporterSmtpSchema>;
