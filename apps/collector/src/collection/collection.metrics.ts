import { Counter, Gauge, type Registry } from 'prom-client';
import type { PublisherStats } from '@tideline/sdk/publishing';
import type { HostSource } from '../host-sampling/host-reader';
import type { TickReport } from './host-collector';

/** The collector's own counters on `/metrics`. */
export class CollectionMetrics {
  private readonly ticks: Counter;
  private readonly tickErrors: Counter;
  private readonly events: Counter;
  private readonly invalid: Counter;
  private readonly sourceErrors: Counter<'source'>;
  private readonly tickSeconds: Gauge;

  constructor(registry: Registry, stats: () => PublisherStats) {
    const registers = [registry];
    this.ticks = new Counter({ name: 'tideline_collector_ticks_total', help: 'Collection ticks run.', registers });
    this.tickErrors = new Counter({
      name: 'tideline_collector_tick_errors_total',
      help: 'Collection ticks that failed as a whole (nothing was published for them).',
      registers,
    });
    this.events = new Counter({
      name: 'tideline_collector_events_total',
      help: 'Metric events produced by ticks and handed to the publisher.',
      registers,
    });
    this.invalid = new Counter({
      name: 'tideline_collector_events_invalid_total',
      help: 'Metric events left out because they broke the metric event contract.',
      registers,
    });
    this.sourceErrors = new Counter({
      name: 'tideline_collector_source_errors_total',
      help: 'Host sources (cpu, memory, filesystems, ...) that failed to read; their metrics were left out of that tick.',
      labelNames: ['source'],
      registers,
    });
    this.tickSeconds = new Gauge({
      name: 'tideline_collector_tick_duration_seconds',
      help: 'Time the last tick spent reading the host and encoding events.',
      registers,
    });
    // Delivery figures live in the publisher; these read them at scrape time.
    const counter = (name: string, help: string, read: (stats: PublisherStats) => number) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(read(stats()));
        },
      });
    const gauge = (name: string, help: string, read: (stats: PublisherStats) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(stats()));
        },
      });
    counter('tideline_collector_events_published_total', 'Metric events acknowledged by Kafka.', (s) => s.published);
    counter(
      'tideline_collector_events_dropped_total',
      'Metric events dropped because the buffer was full while Kafka was unreachable (oldest first).',
      (s) => s.dropped,
    );
    counter(
      'tideline_collector_send_failures_total',
      'Failed sends to Kafka (the batch is kept and retried).',
      (s) => s.sendFailures,
    );
    gauge(
      'tideline_collector_events_buffered',
      'Metric events waiting to be sent (including a batch in flight).',
      (s) => s.buffered,
    );
    gauge('tideline_collector_kafka_healthy', '1 unless the last send to Kafka failed.', (s) => (s.healthy ? 1 : 0));
  }

  tick(report: TickReport): void {
    this.ticks.inc();
    this.events.inc(report.events);
    if (report.invalid > 0) this.invalid.inc(report.invalid);
    this.tickSeconds.set(report.durationMs / 1000);
  }

  tickError(): void {
    this.ticks.inc();
    this.tickErrors.inc();
  }

  sourceError(source: HostSource): void {
    this.sourceErrors.inc({ source });
  }
}
