import { DEFAULT_INFLUX_DATABASE } from '@tideline/contracts';

/** The apps that load a config. `cli` is the `tideline` command. */
export const APP_NAMES = ['collector', 'baseline', 'anomaly', 'reporter', 'cli'] as const;
export type AppName = (typeof APP_NAMES)[number];
export type ServiceName = Exclude<AppName, 'cli'>;

/** Default HTTP port of each service (`/health`, `/metrics`). */
export const DEFAULT_HTTP_PORTS: Readonly<Record<ServiceName, number>> = Object.freeze({
  collector: 8710,
  baseline: 8711,
  anomaly: 8712,
  reporter: 8713,
});

/** Loopback ports of the local development stack (`tideline stack up`); non-default so they never collide. */
export const DEFAULT_STACK_PORTS = Object.freeze({
  kafka: 19092,
  kafkaController: 19093,
  influx: 18086,
  influxRpc: 18088,
});

/** Every default in one place: the local development stack's addresses and the shared settings. */
export const DEFAULTS = Object.freeze({
  kafka: Object.freeze({
    brokers: Object.freeze([`127.0.0.1:${DEFAULT_STACK_PORTS.kafka}`]) as readonly string[],
    clientId: 'tideline',
    /** Partitions of the topics Tideline creates (a series stays on one partition: keyed by series). */
    partitions: 3,
    /**
     * Partitions of the pipeline topics (metrics, baselines: contracts' `TOPIC_POLICIES` `scaleOut`), the most
     * instances of the baseline or anomaly service that can share the load; existing topics are grown to it at start.
     */
    scaleOutPartitions: 12,
    replicationFactor: 1,
    /** Retention of the event topics (7 days); compacted topics keep the latest value per key forever. */
    retentionMs: 7 * 24 * 60 * 60 * 1000,
  }),
  influx: Object.freeze({
    url: `http://127.0.0.1:${DEFAULT_STACK_PORTS.influx}`,
    database: DEFAULT_INFLUX_DATABASE,
    /** InfluxDB duration literal; `INF` keeps data forever. */
    retention: '30d',
    timeoutMs: 10_000,
  }),
  log: Object.freeze({ level: 'info' as const }),
  /** Series per pipeline service instance, sized for a 2-core 24 GiB machine (docs/operations.md, Limits). */
  limits: Object.freeze({
    maxActiveSeries: 100_000,
    maxSeriesPerHost: 10_000,
    maxSeriesInMemory: 120_000,
    /** 30 minutes. */
    idleEvictionMs: 30 * 60 * 1000,
  }),
  /** When a consumer counts as stalled (docs/operations.md, Health endpoints). */
  health: Object.freeze({
    /** A partition with lag whose committed offset has not moved for this long: readiness 503. */
    stallAfterMs: 15_000,
    /** Between two lag measurements from the broker. */
    lagIntervalMs: 5_000,
  }),
  /** Config file path variable and the command-line flag that overrides it. */
  configEnvVar: 'TIDELINE_CONFIG',
  configFlag: '--config',
});
