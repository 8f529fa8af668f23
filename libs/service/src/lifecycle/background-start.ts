import type { Logger } from '@nestjs/common';
import type { BatchConsumerHooks } from '@tideline/kafka';
import { retry } from '@tideline/retry';
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
}

/**
 * Starts a stream-processing service in the background, retrying with backoff until its dependencies answer, so the
 * HTTP server (and `/health`, which says why the service is not ready) is up meanwhile; and stops it promptly.
 * `/health` fails while starting (naming the last start error and what is being loaded) and after the consumer
 * stopped on an error it could not get past ({@link crash}, or {@link consumerHooks}).
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

  constructor(
    health: HealthChecks,
    private readonly options: BackgroundStartOptions,
  ) {
    health.register({
      name: options.name,
      check: async () => {
        if (this.crashed !== undefined) throw new Error(`consumer stopped: ${String(this.crashed)}`);
        if (!this.done) {
          const why = this.startError === undefined ? '' : `${String(this.startError)}; `;
          throw new Error(`${why}starting (${options.starting})`);
        }
      },
    });
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

  /** Stops retrying, waits at most 2 s for a start step in flight, then undoes what was started. */
  async stop(): Promise<void> {
    this.abort.abort();
    // a start step in flight (kafkajs retrying an unreachable broker) is not waited for long: shutdown stays prompt
    await Promise.race([this.startup, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await this.options.stopParts();
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
