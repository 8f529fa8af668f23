import { ContractValidationError, parseMetricEvent, seriesKey, type MetricEvent } from '@tideline/contracts';
import type { BufferedPublisher } from '@tideline/sdk/publishing';
import type { HostSample } from '../host-sampling/host-sample';
import { hostSampleToEvents, type HostMetricsContext } from './host-metrics.mapper';

export interface TickReport {
  /** Events handed to the publisher this tick. */
  readonly events: number;
  /** Events left out because they broke the metric event contract (e.g. a mount path over the name limit). */
  readonly invalid: number;
  /** Time spent reading the host and encoding, ms. */
  readonly durationMs: number;
}

export interface HostCollectorOptions {
  readonly intervalMs: number;
  readonly reader: { read(): Promise<HostSample> };
  readonly publisher: Pick<BufferedPublisher, 'publish'>;
  readonly context: HostMetricsContext;
  readonly onTick?: (report: TickReport) => void;
  readonly onTickError?: (error: unknown) => void;
}

/**
 * The collection loop: every `intervalMs` it reads the host, turns the sample (and the previous one, for rates) into
 * metric events and publishes them as one batch, keyed by series key so a series stays on one partition.
 *
 * Ticks are aligned to the start time (start + n·interval), so they do not drift; a tick that overruns its interval
 * makes the loop skip the slots it missed rather than run two reads at once. The first tick runs at `start`; its
 * gauges are published at once and rates follow from the second tick.
 */
export class HostCollector {
  private previous: HostSample | undefined;
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private stopped = true;
  private ticking: Promise<void> | undefined;

  constructor(private readonly options: HostCollectorOptions) {}

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

  /** One collection: read, map, publish. Exposed for tests and benchmarks. */
  async tick(): Promise<TickReport> {
    const started = performance.now();
    const sample = await this.options.reader.read();
    const events = hostSampleToEvents(this.previous, sample, this.options.context);
    this.previous = sample;
    const records: { key: string; value: string }[] = [];
    let invalid = 0;
    for (const event of events) {
      const valid = validate(event);
      if (valid) records.push({ key: seriesKey(valid), value: JSON.stringify(valid) });
      else invalid++;
    }
    this.options.publisher.publish(records);
    return { events: records.length, invalid, durationMs: performance.now() - started };
  }

  private async runTick(): Promise<void> {
    const run = this.tick().then(
      (report) => this.options.onTick?.(report),
      (error: unknown) => this.options.onTickError?.(error),
    );
    this.ticking = run;
    await run;
    this.ticking = undefined;
    this.scheduleNext();
  }

  private scheduleNext(): void {
    if (this.stopped) return;
    const interval = this.options.intervalMs;
    const elapsed = performance.now() - this.startedAt;
    const nextSlot = (Math.floor(elapsed / interval) + 1) * interval;
    this.timer = setTimeout(() => void this.runTick(), nextSlot - elapsed);
  }
}

function validate(event: MetricEvent): MetricEvent | undefined {
  try {
    return parseMetricEvent(event);
  } catch (error) {
    if (error instanceof ContractValidationError) return undefined;
    throw error;
  }
}
