import type { Logger } from '@nestjs/common';
import type { HealthSection } from '@tideline/config';
import {
  describeStallRule,
  describeStalled,
  type BatchConsumerHooks,
  type ConsumerLagReport,
  type LagMonitorOptions,
} from '@tideline/kafka';
import { retry } from '@tideline/errors';
import { Gauge, type Registry } from 'prom-client';
import type { HealthChecks } from '../health/health-checks';

export interface BackgroundStartOptions {
  /** Name of the check on `/health`, e.g. `baseline-pipeline`. */
  readonly name: string;
  /** What `/health` says the service is doing until it has started, e.g. `loading model checkpoints`. */
  readonly starting: string;
  /** The whole start (topics, connections, state, consumer); throws to be retried. */
  readonly start: () => Promise<void>;
  /** Undoes a partial start: called after a failed attempt and at shutdown. Must not throw. */
  readonly stopParts: () => Promise<void>;
  readonly logger: Logger;
  /** Delay between attempts. Default: 1 s, doubling with jitter up to 15 s, forever. */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /**
   * A stalled consumer only degrades the service (a check `<name>-stall` with `degradesOnly`) instead of failing
   * `<name>`: for a side stream the service does its job without, e.g. webhook delivery beside alerting.
   */
  readonly stallDegradesOnly?: boolean;
}

/**
 * Starts a stream-processing service in the background, retrying with backoff until its dependencies answer, so the
 * HTTP server (and `/health`, which says why the service is not ready) is up meanwhile; and stops it promptly.
 * `/health` fails while starting (naming the last start error and what is being loaded), after the consumer
 * stopped on an error it could not get past ({@link crash}, or {@link consumerHooks}), and while the consumer is
 * stalled: partitions assigned to it have lag and their committed offset has not moved for the consumer's
 * `stallAfterMs` (its lag monitor's reports reach `onLag` of {@link consumerHooks}; each partition's lag is the
 * gauge `tideline_kafka_consumer_lag{group,topic,partition}` on `/metrics`). With `stallDegradesOnly`, a stall only
 * degrades the service (`<name>-stall`).
 *
 * Used by the pipeline services: call {@link begin} from `onApplicationBootstrap` and {@link stop} from
 * `onModuleDestroy`.
 */
export class BackgroundStart {
  private readonly abort = new AbortController();
  private startup: Promise<void> | undefined;
  private startError: unknown;
  private crashed: unknown;
  private done = false;
  /** The latest lag report of each consumer (by what it is called), and the gauges they are shown in. */
  private readonly lag = new Map<string, ConsumerLagReport>();
  private readonly lagGauges: LagGauges;
  private readonly lagLabels = new Map<string, Set<string>>();

  constructor(
    health: HealthChecks,
    private readonly options: BackgroundStartOptions,
  ) {
    this.lagGauges = lagGauges(health.registry);
    const stallDegradesOnly = options.stallDegradesOnly === true;
    health.register({
      name: options.name,
      check: async () => {
        if (this.crashed !== undefined) throw new Error(`consumer stopped: ${String(this.crashed)}`);
        if (!stallDegradesOnly) this.checkStalls();
        if (!this.done) {
          const why = this.startError === undefined ? '' : `${String(this.startError)}; `;
          throw new Error(`${why}starting (${options.starting})`);
        }
      },
    });
    if (stallDegradesOnly) {
      health.register({ name: `${options.name}-stall`, degradesOnly: true, check: async () => this.checkStalls() });
    }
  }

  private checkStalls(): void {
    for (const [what, report] of this.lag) {
      if (report.stalled.length > 0)
        throw new Error(`${what} is stalled: ${describeStalled(report)}; ${describeStallRule(report)}`);
    }
  }

  /** Whether the start has completed (and the service is consuming). */
  get started(): boolean {
    return this.done;
  }

  begin(): void {
    const { start, stopParts, logger } = this.options;
    this.startup = retry(
      async () => {
        try {
          await start();
          this.done = true;
          this.startError = undefined;
        } catch (error) {
          this.startError = error instanceof Error ? error.message : error;
          this.lag.clear(); // the consumer of a failed attempt is gone: its lag says nothing about the next one
          await stopParts();
          throw error;
        }
      },
      {
        policy: {
          maxRetries: Number.POSITIVE_INFINITY,
          initialDelayMs: this.options.initialDelayMs ?? 1000,
          maxDelayMs: this.options.maxDelayMs ?? 15_000,
        },
        shouldRetry: () => !this.abort.signal.aborted,
        signal: this.abort.signal,
        onRetry: ({ retry: n, delayMs, error }) =>
          logger.warn(`start failed (attempt ${n}), retrying in ${delayMs} ms: ${message(error)}`),
      },
    ).catch((error: unknown) => {
      if (!this.abort.signal.aborted) this.crashed = error;
    });
  }

  /** Marks the service as failed on `/health` (its consumer stopped on an error it could not get past). */
  crash(error: unknown): void {
    this.crashed = error;
  }

  /** Batch-consumer hooks that log a failed batch and report a crashed consumer (`what`: e.g. `the metrics consumer`). */
  consumerHooks(what: string): BatchConsumerHooks {
    const { logger } = this.options;
    return {
      onLag: (report) => this.recordLag(what, report),
      // a commit is progress: readiness recovers with it rather than at the next lag measurement
      onCommit: ({ topic, partition }) => this.clearStall(what, topic, partition),
      onCrash: (error) => {
        this.crash(error);
        logger.error(`${what} stopped: ${message(error)}`);
      },
      onHandlerError: ({ partition, error, willRetry }) =>
        logger.warn(
          `batch of partition ${partition} failed (${willRetry ? 'retrying' : 'giving up'}): ${message(error)}`,
        ),
    };
  }

  private clearStall(what: string, topic: string, partition: number): void {
    const report = this.lag.get(what);
    if (report === undefined || report.stalled.length === 0) return;
    const stalled = report.stalled.filter((p) => p.topic !== topic || p.partition !== partition);
    if (stalled.length !== report.stalled.length) this.recordLag(what, { ...report, stalled });
  }

  private recordLag(what: string, report: ConsumerLagReport): void {
    const before = this.lag.get(what);
    this.lag.set(what, report);
    if (report.stalled.length > 0 && (before === undefined || before.stalled.length === 0)) {
      this.options.logger.warn(
        `${what} is stalled, /health reports 503: ${describeStalled(report)}; ${describeStallRule(report)}`,
      );
    } else if (report.stalled.length === 0 && before !== undefined && before.stalled.length > 0) {
      this.options.logger.log(`${what} is making progress again`);
    }
    const seen = new Set<string>();
    for (const p of report.partitions) {
      const labels = { group: report.groupId, topic: p.topic, partition: String(p.partition) };
      seen.add(JSON.stringify(labels));
      this.lagGauges.lag.set(labels, p.lag);
    }
    // partitions no longer assigned to this member leave the gauge (another member reports them)
    for (const key of this.lagLabels.get(what) ?? []) {
      if (!seen.has(key)) this.lagGauges.lag.remove(JSON.parse(key) as Record<string, string>);
    }
    this.lagLabels.set(what, seen);
    this.lagGauges.stalled.set({ group: report.groupId }, report.stalled.length);
  }

  /** Stops retrying, waits at most 2 s for a start step in flight, then undoes what was started. */
  async stop(): Promise<void> {
    this.abort.abort();
    // a start step in flight (kafkajs retrying an unreachable broker) is not waited for long: shutdown stays prompt
    await Promise.race([this.startup, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await this.options.stopParts();
  }
}

/** A service's `health` config section as its consumers' lag monitor options (when a consumer counts as stalled). */
export function lagMonitorOf(health: HealthSection): LagMonitorOptions {
  return { intervalMs: health.lagIntervalMs, stallAfterMs: health.stallAfterMs };
}

interface LagGauges {
  readonly lag: Gauge<'group' | 'topic' | 'partition'>;
  readonly stalled: Gauge<'group'>;
}

/** The app's lag gauges, shared by every consumer of the app (one registry cannot hold a metric twice). */
function lagGauges(registry: Registry): LagGauges {
  const lag =
    (registry.getSingleMetric('tideline_kafka_consumer_lag') as Gauge<'group' | 'topic' | 'partition'> | undefined) ??
    new Gauge({
      name: 'tideline_kafka_consumer_lag',
      help: 'Records of a partition assigned to this instance that its consumer group has not committed yet (log end offset minus committed offset).',
      labelNames: ['group', 'topic', 'partition'],
      registers: [registry],
    });
  const stalled =
    (registry.getSingleMetric('tideline_kafka_consumer_stalled_partitions') as Gauge<'group'> | undefined) ??
    new Gauge({
      name: 'tideline_kafka_consumer_stalled_partitions',
      help: 'Partitions assigned to this instance with lag and no commit progress for the stall time (/health is 503 while above 0).',
      labelNames: ['group'],
      registers: [registry],
    });
  return { lag, stalled };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
