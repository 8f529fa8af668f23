import { HOST_METRIC_NAMES as NAMES, METRIC_EVENT_SCHEMA, type MetricEvent } from '@tideline/contracts';
import type { HostSample } from '../host-sampling/host-sample';
import { counterRate, cpuBusyPercent } from './counter-rate';

/**
 * Every metric the collector publishes: name (defined once, in libs/contracts' `HOST_METRIC_NAMES`), unit, and the
 * tag that tells its series apart (besides `host` and the configured tags). Rates need two samples, so they first
 * appear on the second tick.
 */
export const HOST_METRICS = {
  cpuUsage: { name: NAMES.cpuUsage, unit: 'percent' },
  cpuCoreUsage: { name: NAMES.cpuCoreUsage, unit: 'percent', tag: 'core' },
  load1: { name: NAMES.load1, unit: 'load' },
  load5: { name: NAMES.load5, unit: 'load' },
  load15: { name: NAMES.load15, unit: 'load' },
  memTotal: { name: NAMES.memTotal, unit: 'bytes' },
  memUsed: { name: NAMES.memUsed, unit: 'bytes' },
  memAvailable: { name: NAMES.memAvailable, unit: 'bytes' },
  memUsedPercent: { name: NAMES.memUsedPercent, unit: 'percent' },
  swapUsed: { name: NAMES.swapUsed, unit: 'bytes' },
  swapTotal: { name: NAMES.swapTotal, unit: 'bytes' },
  diskUsedPercent: { name: NAMES.diskUsedPercent, unit: 'percent', tag: 'mount' },
  diskUsed: { name: NAMES.diskUsed, unit: 'bytes', tag: 'mount' },
  diskTotal: { name: NAMES.diskTotal, unit: 'bytes', tag: 'mount' },
  diskRead: { name: NAMES.diskRead, unit: 'bytes/s', tag: 'device' },
  diskWrite: { name: NAMES.diskWrite, unit: 'bytes/s', tag: 'device' },
  netRx: { name: NAMES.netRx, unit: 'bytes/s', tag: 'interface' },
  netTx: { name: NAMES.netTx, unit: 'bytes/s', tag: 'interface' },
  netRxErrors: { name: NAMES.netRxErrors, unit: 'errors/s', tag: 'interface' },
  netTxErrors: { name: NAMES.netTxErrors, unit: 'errors/s', tag: 'interface' },
  processes: { name: NAMES.processes, unit: 'processes' },
  selfCpu: { name: NAMES.selfCpu, unit: 'percent' },
  selfRss: { name: NAMES.selfRss, unit: 'bytes' },
} as const satisfies Record<keyof typeof NAMES, { name: string; unit: string; tag?: string }>;

type HostMetric = (typeof HOST_METRICS)[keyof typeof HOST_METRICS];

export interface HostMetricsContext {
  readonly host: string;
  /** Configured tags on every event; a metric's own tag (`core`, `mount`, ...) wins on a clash. */
  readonly tags: Readonly<Record<string, string>>;
  /** The allow/deny filter over metric names. */
  readonly accepts: (metric: string) => boolean;
}

/**
 * Turns a sample (and the one before it, for rates) into metric events stamped with the sample's time. Pure.
 *
 * - CPU: busy % total and per core, from the CPU-time counters; load averages as reported.
 * - Memory: used = total − available (what applications hold; page cache is reclaimable and not counted).
 * - Disk: use % and bytes per mount (df's formula: used / (used + available to users)); read/write bytes/s per disk.
 * - Network: rx/tx bytes/s and errors/s per interface.
 * - The collector's own CPU (% of one core) and RSS.
 *
 * A rate is skipped for one interval when its counter went backwards (see {@link counterRate}).
 */
export function hostSampleToEvents(
  previous: HostSample | undefined,
  current: HostSample,
  context: HostMetricsContext,
): MetricEvent[] {
  const events: MetricEvent[] = [];
  const emit = (metric: HostMetric, value: number | undefined, tagValue?: string): void => {
    if (value === undefined || !Number.isFinite(value) || !context.accepts(metric.name)) return;
    const tags: Record<string, string> = { ...context.tags };
    if ('tag' in metric && tagValue !== undefined) tags[metric.tag] = tagValue;
    events.push({
      schema: METRIC_EVENT_SCHEMA,
      metric: metric.name,
      host: context.host,
      value,
      ts: current.takenAtMs,
      tags,
      unit: metric.unit,
      source: 'collector',
    });
  };
  const seconds = previous ? (current.monotonicMs - previous.monotonicMs) / 1000 : 0;

  if (current.cpu) {
    emit(HOST_METRICS.cpuUsage, cpuBusyPercent(previous?.cpu?.total, current.cpu.total));
    current.cpu.cores.forEach((core, index) => {
      emit(HOST_METRICS.cpuCoreUsage, cpuBusyPercent(previous?.cpu?.cores[index], core), String(index));
    });
  }
  if (current.load) {
    emit(HOST_METRICS.load1, current.load[0]);
    emit(HOST_METRICS.load5, current.load[1]);
    emit(HOST_METRICS.load15, current.load[2]);
  }

  const memory = current.memory;
  if (memory) {
    const used = memory.totalBytes - memory.availableBytes;
    emit(HOST_METRICS.memTotal, memory.totalBytes);
    emit(HOST_METRICS.memUsed, used);
    emit(HOST_METRICS.memAvailable, memory.availableBytes);
    emit(HOST_METRICS.memUsedPercent, memory.totalBytes > 0 ? (100 * used) / memory.totalBytes : undefined);
    emit(HOST_METRICS.swapUsed, memory.swapUsedBytes);
    emit(HOST_METRICS.swapTotal, memory.swapTotalBytes);
  }

  for (const fs of current.filesystems) {
    const usable = fs.usedBytes + fs.availableBytes;
    emit(HOST_METRICS.diskUsedPercent, usable > 0 ? (100 * fs.usedBytes) / usable : undefined, fs.mount);
    emit(HOST_METRICS.diskUsed, fs.usedBytes, fs.mount);
    emit(HOST_METRICS.diskTotal, fs.totalBytes, fs.mount);
  }

  const previousDisks = new Map(previous?.disks.map((disk) => [disk.device, disk]));
  for (const disk of current.disks) {
    const before = previousDisks.get(disk.device);
    emit(HOST_METRICS.diskRead, counterRate(before?.readBytes, disk.readBytes, seconds), disk.device);
    emit(HOST_METRICS.diskWrite, counterRate(before?.writeBytes, disk.writeBytes, seconds), disk.device);
  }

  const previousNetworks = new Map(previous?.networks.map((network) => [network.iface, network]));
  for (const network of current.networks) {
    const before = previousNetworks.get(network.iface);
    emit(HOST_METRICS.netRx, counterRate(before?.rxBytes, network.rxBytes, seconds), network.iface);
    emit(HOST_METRICS.netTx, counterRate(before?.txBytes, network.txBytes, seconds), network.iface);
    emit(HOST_METRICS.netRxErrors, counterRate(before?.rxErrors, network.rxErrors, seconds), network.iface);
    emit(HOST_METRICS.netTxErrors, counterRate(before?.txErrors, network.txErrors, seconds), network.iface);
  }

  emit(HOST_METRICS.processes, current.processCount);

  const selfCpuPerSecond = counterRate(previous?.self.cpuMicros, current.self.cpuMicros, seconds);
  // µs of CPU per second of wall time / 10^6 · 100 = % of one core
  emit(HOST_METRICS.selfCpu, selfCpuPerSecond === undefined ? undefined : selfCpuPerSecond / 10_000);
  emit(HOST_METRICS.selfRss, current.self.rssBytes);
  return events;
}
