import { hostname } from 'node:os';
import { metrics, type Meter } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { TOPICS } from '@tideline/contracts';
import { TidelineMetricExporter } from './exporter/tideline-metric-exporter';
import { registerRuntimeMetrics } from './instrumentation/runtime-metrics';
import { SDK_METER_NAME } from './instrumentation/time-async';
import { BufferedPublisher, type PublisherStats, type RecordSink } from './publishing/buffered-publisher';
import { KafkaRecordSink, type KafkaRecordSinkOptions } from './publishing/kafka-record-sink';

export interface TidelineMetricsOptions {
  /** The `service` tag of every point, e.g. `checkout-api`. */
  readonly service: string;
  /** The `version` tag of every point, e.g. the release or git sha, so a release's effect is visible. */
  readonly version: string;
  /** Kafka brokers (`host:port`); or give `sink`. */
  readonly brokers?: readonly string[];
  /** TLS to the brokers (`true` or Node's TLS options); see {@link KafkaRecordSinkOptions.ssl}. */
  readonly ssl?: KafkaRecordSinkOptions['ssl'];
  /** SASL authentication (`{ mechanism: 'scram-sha-512', username, password }`); see {@link KafkaRecordSinkOptions.sasl}. */
  readonly sasl?: KafkaRecordSinkOptions['sasl'];
  /** Where records go instead of Kafka (tests, other transports). */
  readonly sink?: RecordSink;
  /** Default the Tideline metrics topic. */
  readonly topic?: string;
  /** The `host` of every point; default the OS host name. */
  readonly host?: string;
  /** Added to every point (a point's attributes win, `service` and `version` always win). */
  readonly tags?: Readonly<Record<string, string>>;
  /** How often a collection is exported; default 10000 ms (the collector's interval). */
  readonly exportIntervalMs?: number;
  /** Event-loop lag, heap, RSS and CPU gauges; default true. */
  readonly runtimeMetrics?: boolean;
  /** Make this the global meter provider (what `metrics.getMeter`, `timeAsync` and the HTTP helpers use); default true. */
  readonly global?: boolean;
  /** Points kept while Kafka is unreachable (oldest dropped past it); default 50000. */
  readonly maxBufferedPoints?: number;
  /** Delivery problems (a failed send, points dropped or rejected); default a one-line `console.warn`. */
  readonly onProblem?: (message: string, error?: unknown) => void;
}

export interface TidelineMetrics {
  readonly meterProvider: MeterProvider;
  /** A meter named `@tideline/sdk` on this provider. */
  readonly meter: Meter;
  /** Collects and sends now; resolves when everything buffered was acknowledged (false if Kafka failed). */
  flush(): Promise<boolean>;
  /** Delivery counters: buffered, published, dropped, failed sends. */
  stats(): PublisherStats & { readonly rejectedPoints: number };
  /** Exports a last time, sends what is buffered (bounded wait) and stops. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry metrics for an application, exported to Tideline: a `MeterProvider` with a periodic reader
 * and the {@link TidelineMetricExporter}, publishing through a {@link BufferedPublisher} to Kafka.
 *
 * @example
 * const tideline = startTidelineMetrics({ service: 'checkout', version: '1.4.2', brokers: ['kafka:9092'] });
 * metrics.getMeter('checkout').createCounter('orders').add(1);
 * await tideline.shutdown();
 */
export function startTidelineMetrics(options: TidelineMetricsOptions): TidelineMetrics {
  const problem = options.onProblem ?? ((message: string) => console.warn(`[tideline-sdk] ${message}`));
  const sink =
    options.sink ??
    new KafkaRecordSink({
      brokers: requireBrokers(options.brokers),
      topic: options.topic ?? TOPICS.metrics,
      clientId: `tideline-sdk-${options.service}`,
      ...(options.ssl !== undefined ? { ssl: options.ssl } : {}),
      ...(options.sasl !== undefined ? { sasl: options.sasl } : {}),
    });
  let rejectedPoints = 0;
  const publisher = new BufferedPublisher(sink, {
    maxBufferedRecords: options.maxBufferedPoints ?? 50_000,
    maxBatchRecords: 1000,
    onSendError: (error, info) =>
      problem(
        `sending metrics failed ${info.failuresInARow} time(s) in a row (${describe(error)}); retrying in ${info.delayMs} ms`,
        error,
      ),
    onDropped: (count) => problem(`buffer full: dropped the ${count} oldest point(s)`),
  });
  const exporter = new TidelineMetricExporter(
    publisher,
    {
      host: options.host ?? hostname(),
      service: options.service,
      version: options.version,
      ...(options.tags ? { tags: options.tags } : {}),
    },
    {
      onRejected: (rejected) => {
        rejectedPoints += rejected.length;
        problem(`rejected ${rejected.length} point(s): ${rejected[0]?.metric}: ${rejected[0]?.reason}`);
      },
    },
  );
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: options.exportIntervalMs ?? 10_000,
  });
  const meterProvider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': options.service, 'service.version': options.version }),
    readers: [reader],
  });
  if (options.global ?? true) metrics.setGlobalMeterProvider(meterProvider);
  const meter = meterProvider.getMeter(SDK_METER_NAME);
  const stopRuntime = (options.runtimeMetrics ?? true) ? registerRuntimeMetrics(meter) : () => undefined;

  return {
    meterProvider,
    meter,
    async flush() {
      await meterProvider.forceFlush();
      return publisher.flush();
    },
    stats: () => ({ ...publisher.stats(), rejectedPoints }),
    async shutdown() {
      stopRuntime();
      // MeterProvider.shutdown exports a last collection and shuts the exporter down, which flushes the publisher.
      await meterProvider.shutdown();
      if (options.global ?? true) metrics.disable();
    },
  };
}

function requireBrokers(brokers: readonly string[] | undefined): readonly string[] {
  if (!brokers || brokers.length === 0)
    throw new Error('startTidelineMetrics: give `brokers` (host:port list) or a `sink`');
  return brokers;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
