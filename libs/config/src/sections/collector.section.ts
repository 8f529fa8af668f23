import { z } from 'zod';
import { LIMITS, TOPICS } from '@tideline/contracts';

const name = z
  .string()
  .min(1)
  .max(LIMITS.maxNameLength)
  .describe(`a non-empty string of at most ${LIMITS.maxNameLength} characters`);

const globList = z
  .array(z.string().min(1).describe('a glob such as cpu.* or disk.*_bytes'))
  .default([])
  .describe('a list of metric-name globs (* any characters, ? one character)');

/** One Prometheus exposition endpoint the collector scrapes (node_exporter, an app's `/metrics`). */
export const scrapeTargetSchema = z
  .object({
    /** The exposition URL, e.g. http://127.0.0.1:9100/metrics. */
    url: z.url({ protocol: /^https?$/ }).describe('an http:// or https:// URL such as http://127.0.0.1:9100/metrics'),
    /** Default `collector.intervalMs`. */
    intervalMs: z
      .number()
      .int()
      .min(1000)
      .max(3_600_000)
      .optional()
      .describe('an integer number of milliseconds 1000-3600000'),
    /** A scrape that has not answered by then fails (and is counted); default 5000, at most the interval. */
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .max(60_000)
      .default(5000)
      .describe('an integer number of milliseconds 100-60000'),
    /** The `host` of its events; default the URL's host name, or `collector.host` when the URL is a loopback address. */
    host: name.optional(),
    /** Added to every event of this target (a sample's own labels win on a clash). */
    tags: z.record(name, name).default({}).describe('a map of tag names to values'),
    /** Globs over Prometheus metric family names, e.g. node_cpu_*; deny wins over allow. */
    metrics: z.object({ allow: globList, deny: globList }).strict().prefault({}),
    /** Labels left off the events (globs over label names), e.g. to merge series a label would split. */
    dropLabels: z.array(z.string().min(1)).default([]).describe('a list of label-name globs'),
  })
  .strict();

export type ScrapeTarget = z.infer<typeof scrapeTargetSchema>;

/** The host collector: what it measures, how often, and how much it keeps while Kafka is unreachable. */
export const collectorSectionSchema = z
  .object({
    /** Sampling interval. Rates (bytes/s, CPU %) are computed over it. */
    intervalMs: z
      .number()
      .int()
      .min(1000)
      .max(3_600_000)
      .default(10_000)
      .describe('an integer number of milliseconds 1000-3600000'),
    /** The `host` of every event. Omit to use the operating system's host name. */
    host: name.optional(),
    /** Added to every event (a metric's own tags such as `core` or `mount` win on a clash). */
    tags: z
      .record(name, name)
      .refine((tags) => Object.keys(tags).length <= LIMITS.maxTags - 2, `must have at most ${LIMITS.maxTags - 2} tags`)
      .default({})
      .describe(`a map of at most ${LIMITS.maxTags - 2} tag names to values`),
    metrics: z
      .object({
        /** Only metrics matching one of these are published; empty publishes every metric. */
        allow: globList,
        /** Metrics matching one of these are never published (deny wins over allow). */
        deny: globList,
      })
      .strict()
      .prefault({}),
    topic: z
      .string()
      .regex(/^[a-zA-Z0-9._-]{1,249}$/, 'must be a Kafka topic name')
      .default(TOPICS.metrics)
      .describe('a Kafka topic name (letters, digits, . _ -)'),
    /** Prometheus exposition endpoints to scrape besides the host itself; see apps/collector/README.md. */
    scrape: z.array(scrapeTargetSchema).default([]).describe('a list of scrape targets ({ url, intervalMs, ... })'),
    buffer: z
      .object({
        /**
         * Events kept while Kafka is unreachable, replayed in order on reconnect. Past this the oldest are dropped
         * and counted (`tideline_collector_events_dropped_total`). 100000 is about 8 hours of a 2-core host at 10 s.
         */
        maxEvents: z.number().int().min(100).max(10_000_000).default(100_000).describe('an integer 100-10000000'),
        /** Most events in one produce request while replaying. */
        maxBatchEvents: z.number().int().min(1).max(100_000).default(5000).describe('an integer 1-100000'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type CollectorSection = z.infer<typeof collectorSectionSchema>;
