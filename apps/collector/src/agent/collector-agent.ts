import { hostname } from 'node:os';
import { logLevel, type Admin } from 'kafkajs';
import type { CollectorConfig } from '@tideline/config';
import type { MetricEvent } from '@tideline/contracts';
import { createKafka, tidelineTopicSpec } from '@tideline/kafka';
import { BufferedPublisher } from '@tideline/sdk/publishing';
import { HostCollector } from '../collection/host-collector';
import { encodeEvents, type IntervalCollector } from '../collection/interval-collector';
import { hostSampleToEvents } from '../collection/host-metrics.mapper';
import { compileMetricFilter } from '../collection/metric-filter';
import { MetricsTopicSink } from '../collection/metrics-topic.sink';
import { HostReader } from '../host-sampling/host-reader';
import { PrometheusScraper } from '../prometheus/prometheus-scraper';
import { AgentMetrics } from './agent-metrics';
import type { AgentLogger } from './agent-logger';

/** A health check that has not answered by then counts as failed, so `/health` answers in bounded time. */
const HEALTH_TIMEOUT_MS = 3000;

export interface HealthReport {
  readonly status: 'ok' | 'unavailable';
  readonly service: 'collector';
  readonly failed: readonly string[];
  readonly degraded: readonly string[];
  readonly checks: Readonly<Record<string, { ok: boolean; ms: number; error?: string }>>;
}

/**
 * The collector as one plain Node.js process (no framework: it runs on every host, so it must stay small): the host
 * collection loop and one loop per Prometheus scrape target, all publishing through one bounded, ordered
 * {@link BufferedPublisher} to the metrics topic; its own figures for `/metrics`; a Kafka check for `/health`.
 */
export class CollectorAgent {
  readonly metrics: AgentMetrics;
  readonly host: string;
  private readonly publisher: BufferedPublisher;
  private readonly loops: IntervalCollector[] = [];
  private healthAdmin: Admin | undefined;
  private kafkaUp = false;

  constructor(
    private readonly config: CollectorConfig,
    private readonly log: AgentLogger,
  ) {
    const section = config.collector;
    this.host = section.host ?? hostname();
    const kafka = createKafka(config.kafka, { clientId: 'tideline-collector' });
    const sink = new MetricsTopicSink(kafka, tidelineTopicSpec('metrics', section.topic, config.kafka));
    this.publisher = new BufferedPublisher(sink, {
      maxBufferedRecords: section.buffer.maxEvents,
      maxBatchRecords: section.buffer.maxBatchEvents,
      onSendError: (error, info) => {
        // Say it once when Kafka goes away, then only now and then, not every retry.
        if (info.failuresInARow === 1 || info.failuresInARow % 20 === 0) {
          log.warn(
            `Kafka send failed (${describe(error)}); ${this.publisher.stats().buffered} events buffered, ` +
              `retrying in ${info.delayMs} ms`,
          );
        }
      },
      onDropped: (count) => log.warn(`buffer full (${section.buffer.maxEvents}): dropped the ${count} oldest events`),
    });
    this.metrics = new AgentMetrics(
      'collector',
      () => this.publisher.stats(),
      () => ({ kafka: this.kafkaUp }),
    );
    this.loops.push(
      new HostCollector({
        intervalMs: section.intervalMs,
        reader: this.hostReader(),
        publisher: this.publisher,
        context: { host: this.host, tags: section.tags, accepts: compileMetricFilter(section.metrics) },
        onTick: (report) => this.metrics.tick(report),
        onTickError: (error) => {
          this.metrics.tickError();
          log.error(`collection tick failed: ${describe(error)}`);
        },
      }),
    );
    for (const scraper of this.scrapers()) this.loops.push(scraper);
  }

  /** Starts every loop (each runs its first tick at once). */
  start(): void {
    const section = this.config.collector;
    this.log.info(
      `collecting host "${this.host}" every ${section.intervalMs} ms to ${section.topic} at ` +
        `${this.config.kafka.brokers.join(',')} (buffer ${section.buffer.maxEvents} events)` +
        (section.scrape.length > 0 ? `; scraping ${section.scrape.map((target) => target.url).join(', ')}` : ''),
    );
    for (const loop of this.loops) void loop.start();
  }

  /** Stops the loops, then sends what is buffered (at most `flushMs`). */
  async stop(flushMs = 2000): Promise<void> {
    await Promise.all(this.loops.map((loop) => loop.stop()));
    await this.publisher.close(flushMs);
    await this.healthAdmin?.disconnect().catch(() => undefined);
  }

  /** `/health`: can the broker be asked for metadata (a client of its own, no retries, bounded wait)? */
  async health(): Promise<HealthReport> {
    this.healthAdmin ??= createKafka(this.config.kafka, {
      clientId: 'tideline-collector-health',
      // what goes wrong is in the /health body; kafkajs' own error lines would repeat it on every check
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      connectionTimeoutMs: 1000,
      requestTimeoutMs: 2000,
    }).admin();
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    let kafka: { ok: boolean; ms: number; error?: string };
    try {
      await withTimeout(this.healthAdmin.describeCluster(), HEALTH_TIMEOUT_MS);
      kafka = { ok: true, ms: ms() };
    } catch (error) {
      kafka = { ok: false, ms: ms(), error: describe(error) };
    }
    this.kafkaUp = kafka.ok;
    return {
      status: kafka.ok ? 'ok' : 'unavailable',
      service: 'collector',
      failed: kafka.ok ? [] : ['kafka'],
      degraded: [],
      checks: { kafka },
    };
  }

  /**
   * `--check`: two readings of the host and of every scrape target one second apart (so rates show), as the events
   * the second tick would send, and whether the broker answers. Sends nothing.
   */
  async check(): Promise<{ events: MetricEvent[]; invalid: number; failedTargets: string[]; kafka: HealthReport }> {
    const section = this.config.collector;
    const reader = this.hostReader();
    const context = { host: this.host, tags: section.tags, accepts: compileMetricFilter(section.metrics) };
    const scrapers = this.scrapers();
    const failures = new Map<string, string>();
    const scrapeAll = () =>
      Promise.all(
        scrapers.map((scraper) =>
          scraper.scrape().catch((error: unknown) => {
            failures.set(scraper.url, describe(error));
            return [];
          }),
        ),
      );
    const first = await reader.read();
    await scrapeAll();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const second = await reader.read();
    const scraped = (await scrapeAll()).flat();
    const all = [...hostSampleToEvents(first, second, context), ...scraped];
    const { records, invalid } = encodeEvents(all);
    const kafka = await this.health();
    const failedTargets = [...failures].map(([url, error]) => `${url}: ${error}`);
    return { events: records.map((record) => JSON.parse(record.value) as MetricEvent), invalid, failedTargets, kafka };
  }

  private hostReader(): HostReader {
    return new HostReader({
      onSourceError: (source, error) => {
        this.metrics.sourceError(source);
        this.log.debug(`reading ${source} failed: ${describe(error)}`);
      },
    });
  }

  private scrapers(): PrometheusScraper[] {
    const section = this.config.collector;
    return section.scrape.map((target) => {
      let failing = false;
      return new PrometheusScraper({
        target,
        defaultIntervalMs: section.intervalMs,
        localHost: this.host,
        tags: section.tags,
        publisher: this.publisher,
        onTick: (report) => {
          if (failing) this.log.info(`scraping ${target.url} works again`);
          failing = false;
          this.metrics.scrape(target.url, report);
        },
        onTickError: (error) => {
          // once per outage of the target, not every interval
          if (!failing) this.log.warn(`scraping ${target.url} failed: ${describe(error)}`);
          failing = true;
          this.metrics.scrape(target.url, undefined);
        },
      });
    });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
