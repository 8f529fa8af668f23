import { ContractValidationError, parseMetricEvent, seriesKey, type MetricEvent } from '@tideline/contracts';
import type { BufferedPublisher } from '@tideline/sdk/publishing';

export interface TickReport {
  /** Events handed to the publisher this tick. */
  readonly events: number;
  /** Events left out because they broke the metric event contract (e.g. a mount path over the name limit). */
  readonly invalid: number;
  /** Time spent reading and encoding, ms. */
  readonly durationMs: number;
}

export interface IntervalCollectorOptions {
  readonly intervalMs: number;
  /** One reading, as metric events. */
  readonly collect: () => Promise<MetricEvent[]>;
  readonly publisher: Pick<BufferedPublisher, 'publish'>;
  readonly onTick?: (report: TickReport) => void;
  readonly onTickError?: (error: unknown) => void;
}

/**
 * A collection loop: every `intervalMs` it collects metric events, validates them against the contract and publishes
 * them as one batch, keyed by series key so a series stays on one partition.
 *
 * Ticks are aligned to the start time (start + n·interval), so they do not drift; a tick that overruns its interval
 * makes the loop skip the slots it missed rather than run two collections at once. The first tick runs at `start`.
 */
export class IntervalCollector {
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private stopped = true;
  private ticking: Promise<void> | undefined;

  constructor(private readonly loop: IntervalCollectorOptions) {}

  /** Runs the first tick and schedules the next ones; resolves after the first tick. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.startedAt = performance.now();
    await this.runTick();
  }

  /** Stops scheduling; resolves when a tick in progress has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
  }

  /** One collection: collect, validate, publish. Exposed for tests and benchmarks. */
  async tick(): Promise<TickReport> {
    const started = performance.now();
    const { records, invalid } = encodeEvents(await this.loop.collect());
    this.loop.publisher.publish(records);
    return { events: records.length, invalid, durationMs: performance.now() - started };
  }

  private async runTick(): Promise<void> {
    const run = this.tick().then(
      (report) => this.loop.onTick?.(report),
      (error: unknown) => this.loop.onTickError?.(error),
    );
    this.ticking = run;
    await run;
    this.ticking = undefined;
    this.scheduleNext();
  }

  private scheduleNext(): void {
    if (this.stopped) return;
    const interval = this.loop.intervalMs;
    const elapsed = performance.now() - this.startedAt;
    const nextSlot = (Math.floor(elapsed / interval) + 1) * interval;
    this.timer = setTimeout(() => void this.runTick(), nextSlot - elapsed);
  }
}

/** Validates events against the metric event contract and encodes the valid ones as keyed JSON records. */
export function encodeEvents(events: readonly MetricEvent[]): {
  records: { key: string; value: string }[];
  invalid: number;
} {
  const records: { key: string; value: string }[] = [];
  let invalid = 0;
  for (const event of events) {
    const valid = validate(event);
    if (valid) records.push({ key: seriesKey(valid), value: JSON.stringify(valid) });
    else invalid++;
  }
  return { records, invalid };
}

function validate(event: MetricEvent): MetricEvent | undefined {
  try {
    return parseMetricEvent(event);
  } catch (error) {
    if (error instanceof ContractValidationError) return undefined;
    throw error;
  }
}
