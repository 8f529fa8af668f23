import { metrics, type BatchObservableResult, type Meter, type Observable } from '@opentelemetry/api';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { RUNTIME_METRIC_NAMES } from '@tideline/contracts';
import { SDK_METER_NAME } from './time-async';

/** Names of the runtime gauges (all observed once per export interval); defined once, in libs/contracts. */
export const RUNTIME_METRICS = RUNTIME_METRIC_NAMES;

/**
 * Registers event-loop lag, heap, RSS and CPU gauges on `meter`. The lag histogram is reset at each observation, so
 * each export describes its own interval. Returns a function that unregisters them and stops the lag monitor.
 */
export function registerRuntimeMetrics(meter: Meter = metrics.getMeter(SDK_METER_NAME)): () => void {
  const delay = monitorEventLoopDelay({ resolution: 20 });
  delay.enable();
  const gauge = (name: string, unit: string, description: string) =>
    meter.createObservableGauge(name, { unit, description });
  const lagMean = gauge(RUNTIME_METRICS.eventLoopLagMean, 'ms', 'Mean event-loop delay over the interval');
  const lagP99 = gauge(RUNTIME_METRICS.eventLoopLagP99, 'ms', '99th percentile event-loop delay over the interval');
  const lagMax = gauge(RUNTIME_METRICS.eventLoopLagMax, 'ms', 'Largest event-loop delay over the interval');
  const heapUsed = gauge(RUNTIME_METRICS.heapUsed, 'bytes', 'V8 heap in use');
  const heapTotal = gauge(RUNTIME_METRICS.heapTotal, 'bytes', 'V8 heap reserved');
  const rss = gauge(RUNTIME_METRICS.rss, 'bytes', 'Resident set size');
  const cpu = gauge(RUNTIME_METRICS.cpu, 'percent', 'Process CPU time over the interval, % of one core');
  const observables: Observable[] = [lagMean, lagP99, lagMax, heapUsed, heapTotal, rss, cpu];

  let lastCpu = process.cpuUsage();
  let lastWall = performance.now();
  const callback = (result: BatchObservableResult): void => {
    if (delay.count > 0) {
      result.observe(lagMean, delay.mean / 1e6);
      result.observe(lagP99, delay.percentile(99) / 1e6);
      result.observe(lagMax, delay.max / 1e6);
    }
    delay.reset();
    const memory = process.memoryUsage();
    result.observe(heapUsed, memory.heapUsed);
    result.observe(heapTotal, memory.heapTotal);
    result.observe(rss, memory.rss);
    const nowCpu = process.cpuUsage();
    const nowWall = performance.now();
    const wallUs = (nowWall - lastWall) * 1000;
    if (wallUs > 0) {
      const usedUs = nowCpu.user - lastCpu.user + (nowCpu.system - lastCpu.system);
      result.observe(cpu, (100 * usedUs) / wallUs);
    }
    lastCpu = nowCpu;
    lastWall = nowWall;
  };
  meter.addBatchObservableCallback(callback, observables);
  return () => {
    meter.removeBatchObservableCallback(callback, observables);
    delay.disable();
  };
}
