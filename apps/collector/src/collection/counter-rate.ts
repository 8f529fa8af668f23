import type { CpuCounters } from '../host-sampling/host-sample';

/**
 * Per-second rate of a cumulative counter between two readings `seconds` apart. Undefined when there is no previous
 * reading, no elapsed time, or the counter went backwards (a reboot, a re-created interface, a 32-bit wrap): a rate
 * across a reset would be a huge negative or positive spike, so that interval is skipped instead.
 *
 * @example counterRate(1000, 6000, 10) // 500
 */
export function counterRate(previous: number | undefined, current: number, seconds: number): number | undefined {
  if (previous === undefined || !(seconds > 0) || current < previous) return undefined;
  return (current - previous) / seconds;
}

/**
 * Busy CPU between two readings as a percentage 0-100: `100 · (1 − Δidle / Δtotal)`. Undefined without a previous
 * reading, when no time passed, or when a counter went backwards.
 *
 * @example cpuBusyPercent({ idle: 100, total: 200 }, { idle: 130, total: 300 }) // 70
 */
export function cpuBusyPercent(previous: CpuCounters | undefined, current: CpuCounters): number | undefined {
  if (!previous) return undefined;
  const total = current.total - previous.total;
  const idle = current.idle - previous.idle;
  if (!(total > 0) || idle < 0) return undefined;
  return Math.min(100, Math.max(0, 100 * (1 - idle / total)));
}
