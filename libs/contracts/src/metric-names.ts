/**
 * The metric names Tideline's own producers emit, defined once. The collector and the SDK publish them; whatever
 * matches a metric by name (the reporter's default limits, dashboards, alert rules in docs) takes the name from here,
 * so a renamed metric changes everywhere at once instead of silently matching nothing.
 */

/** Host metrics published by the collector (`apps/collector`), one event per sample. */
export const HOST_METRIC_NAMES = {
  /** Busy CPU, % of all cores. */
  cpuUsage: 'cpu.usage_percent',
  /** Busy CPU per core (tag `core`), %. */
  cpuCoreUsage: 'cpu.core.usage_percent',
  load1: 'cpu.load_1m',
  load5: 'cpu.load_5m',
  load15: 'cpu.load_15m',
  memTotal: 'mem.total_bytes',
  /** total − available: what applications hold. */
  memUsed: 'mem.used_bytes',
  memAvailable: 'mem.available_bytes',
  /** `memUsed` as % of `memTotal`: 100 is memory exhausted. */
  memUsedPercent: 'mem.used_percent',
  swapUsed: 'mem.swap_used_bytes',
  swapTotal: 'mem.swap_total_bytes',
  /** Per mount (tag `mount`), % of the space usable by non-root users (df's formula): 100 is a full disk. */
  diskUsedPercent: 'disk.used_percent',
  diskUsed: 'disk.used_bytes',
  diskTotal: 'disk.total_bytes',
  /** Per block device (tag `device`). */
  diskRead: 'disk.read_bytes_per_sec',
  diskWrite: 'disk.write_bytes_per_sec',
  /** Per network interface (tag `interface`). */
  netRx: 'net.rx_bytes_per_sec',
  netTx: 'net.tx_bytes_per_sec',
  netRxErrors: 'net.rx_errors_per_sec',
  netTxErrors: 'net.tx_errors_per_sec',
  processes: 'proc.count',
  /** The collector's own CPU (% of one core) and resident memory. */
  selfCpu: 'collector.cpu_percent',
  selfRss: 'collector.rss_bytes',
} as const;

/** Node.js runtime gauges the SDK (`libs/sdk`) observes once per export interval. */
export const RUNTIME_METRIC_NAMES = {
  /** Event-loop delay over the interval, ms: mean, p99 and max. */
  eventLoopLagMean: 'nodejs.eventloop.lag.mean',
  eventLoopLagP99: 'nodejs.eventloop.lag.p99',
  eventLoopLagMax: 'nodejs.eventloop.lag.max',
  /** V8 heap in use and reserved, bytes. */
  heapUsed: 'nodejs.heap.used',
  heapTotal: 'nodejs.heap.total',
  /** Resident set size of the process, bytes. */
  rss: 'process.memory.rss',
  /** CPU time of the process over the interval, % of one core. */
  cpu: 'process.cpu.percent',
} as const;

/**
 * The SDK's HTTP server histogram (ms; attributes `method`, `route`, `status`). Published as `<name>.count`,
 * `.mean`, `.max`, `.p50`, `.p95`, `.p99`.
 */
export const HTTP_METRIC_NAMES = {
  serverDuration: 'http.server.duration',
} as const;

/**
 * Reserved for Tideline's own self-monitoring series (e.g. {@link SELF_METRIC_NAMES}): the baseline service
 * dead-letters a user event whose metric starts with it (`metric_name_reserved`).
 */
export const SELF_METRIC_PREFIX = 'tideline.';

/**
 * Tideline's self-monitoring series: judged points a service publishes about itself on the baselines topic, from which
 * the anomaly service raises and resolves alerts like any series' (libs/config `SELF_MONITORING_ALERT_POLICY`).
 */
export const SELF_METRIC_NAMES = {
  /** New series refused because a series cap is reached (value: events of new series refused since the last point). */
  cardinalityExceeded: 'tideline.cardinality_exceeded',
} as const;
