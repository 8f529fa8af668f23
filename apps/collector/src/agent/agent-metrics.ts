import type { PublisherStats } from '@tideline/sdk/publishing';
import type { HostSource } from '../host-sampling/host-reader';
import type { TickReport } from '../collection/interval-collector';

type Labels = Readonly<Record<string, string>>;

interface Family {
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  /** Label set (serialised) → value. */
  readonly values: Map<string, number>;
}

/**
 * The collector's own figures on `/metrics`, in the Prometheus text format 0.0.4, with `service="collector"` on every
 * sample. A few counters and gauges written out by hand rather than prom-client's registry: the agent has to stay
 * small, and these are all it serves.
 */
export class AgentMetrics {
  private readonly families = new Map<string, Family>();

  constructor(
    private readonly service: string,
    private readonly stats: () => PublisherStats,
    private readonly dependencyUp: () => Readonly<Record<string, boolean>>,
  ) {
    this.define('tideline_collector_ticks_total', 'counter', 'Collection ticks run.');
    this.define(
      'tideline_collector_tick_errors_total',
      'counter',
      'Collection ticks that failed as a whole (nothing was published for them).',
    );
    this.define(
      'tideline_collector_events_total',
      'counter',
      'Metric events produced by ticks and handed to the publisher.',
    );
    this.define(
      'tideline_collector_events_invalid_total',
      'counter',
      'Metric events left out because they broke the metric event contract.',
    );
    this.define(
      'tideline_collector_source_errors_total',
      'counter',
      'Host sources (cpu, memory, filesystems, ...) that failed to read; their metrics were left out of that tick.',
    );
    this.define(
      'tideline_collector_tick_duration_seconds',
      'gauge',
      'Time the last host tick spent reading and encoding.',
    );
    this.define('tideline_collector_scrapes_total', 'counter', 'Scrapes of Prometheus targets, by target URL.');
    this.define(
      'tideline_collector_scrape_errors_total',
      'counter',
      'Scrapes of Prometheus targets that failed (refused, timed out, not 200), by target URL.',
    );
    this.define(
      'tideline_collector_scrape_events_total',
      'counter',
      'Metric events from Prometheus targets, by target URL.',
    );
  }

  tick(report: TickReport): void {
    this.add('tideline_collector_ticks_total', 1);
    this.add('tideline_collector_events_total', report.events);
    this.add('tideline_collector_events_invalid_total', report.invalid);
    this.set('tideline_collector_tick_duration_seconds', report.durationMs / 1000);
  }

  tickError(): void {
    this.add('tideline_collector_ticks_total', 1);
    this.add('tideline_collector_tick_errors_total', 1);
  }

  sourceError(source: HostSource): void {
    this.add('tideline_collector_source_errors_total', 1, { source });
  }

  scrape(target: string, report: TickReport | undefined): void {
    this.add('tideline_collector_scrapes_total', 1, { target });
    if (report === undefined) this.add('tideline_collector_scrape_errors_total', 1, { target });
    else {
      this.add('tideline_collector_scrape_events_total', report.events, { target });
      this.add('tideline_collector_events_invalid_total', report.invalid);
    }
  }

  /** The exposition: these counters, the publisher's delivery figures, dependency checks and process figures. */
  render(): string {
    const stats = this.stats();
    const usage = process.cpuUsage();
    const lines: string[] = [];
    const write = (name: string, type: string, help: string, samples: Iterable<[string, number]>) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}{${labels}service="${this.service}"} ${value}`);
    };
    for (const [name, family] of this.families) {
      const samples = family.values.size > 0 || family.type === 'gauge' ? family.values : new Map([['', 0]]);
      write(name, family.type, family.help, samples);
    }
    const one = (value: number): [string, number][] => [['', value]];
    write(
      'tideline_collector_events_published_total',
      'counter',
      'Metric events acknowledged by Kafka.',
      one(stats.published),
    );
    write(
      'tideline_collector_events_dropped_total',
      'counter',
      'Metric events dropped because the buffer was full while Kafka was unreachable (oldest first).',
      one(stats.dropped),
    );
    write(
      'tideline_collector_send_failures_total',
      'counter',
      'Failed sends to Kafka (the batch is kept and retried).',
      one(stats.sendFailures),
    );
    write(
      'tideline_collector_events_buffered',
      'gauge',
      'Metric events waiting to be sent (including a batch in flight).',
      one(stats.buffered),
    );
    write(
      'tideline_collector_kafka_healthy',
      'gauge',
      '1 unless the last send to Kafka failed.',
      one(stats.healthy ? 1 : 0),
    );
    write(
      'tideline_dependency_up',
      'gauge',
      'Whether the dependency answered the last health check (1) or not (0).',
      Object.entries(this.dependencyUp()).map(([name, up]) => [`dependency="${name}",`, up ? 1 : 0]),
    );
    write('process_cpu_user_seconds_total', 'counter', 'User CPU time spent in seconds.', one(usage.user / 1e6));
    write('process_cpu_system_seconds_total', 'counter', 'System CPU time spent in seconds.', one(usage.system / 1e6));
    write('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', one(process.memoryUsage.rss()));
    write(
      'process_start_time_seconds',
      'gauge',
      'Start time of the process since unix epoch in seconds.',
      one(Math.round(Date.now() / 1000 - process.uptime())),
    );
    return `${lines.join('\n')}\n`;
  }

  private define(name: string, type: Family['type'], help: string): void {
    this.families.set(name, { help, type, values: new Map() });
  }

  private add(name: string, amount: number, labels: Labels = {}): void {
    const values = this.families.get(name)!.values;
    const key = labelText(labels);
    values.set(key, (values.get(key) ?? 0) + amount);
  }

  private set(name: string, value: number, labels: Labels = {}): void {
    this.families.get(name)!.values.set(labelText(labels), value);
  }
}

/** `a="x",b="y",` with the format's escapes (backslash, quote, line break). */
function labelText(labels: Labels): string {
  return Object.entries(labels)
    .map(([name, value]) => `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}",`)
    .join('');
}
