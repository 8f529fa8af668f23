import { metrics, type Attributes, type Histogram, type Meter } from '@opentelemetry/api';

/** The meter name the SDK's own instruments are created under. */
export const SDK_METER_NAME = '@tideline/sdk';

const histograms = new WeakMap<Meter, Map<string, Histogram>>();

/**
 * A duration histogram in milliseconds, created once per meter and name (OpenTelemetry would return an equivalent
 * instrument anyway; caching avoids the lookup on hot paths).
 */
export function durationHistogram(name: string, meter: Meter = metrics.getMeter(SDK_METER_NAME)): Histogram {
  let byName = histograms.get(meter);
  if (!byName) {
    byName = new Map();
    histograms.set(meter, byName);
  }
  let histogram = byName.get(name);
  if (!histogram) {
    histogram = meter.createHistogram(name, { unit: 'ms', description: `Duration of ${name}` });
    byName.set(name, histogram);
  }
  return histogram;
}

/**
 * Runs `fn` and records how long it took, in milliseconds, on the histogram `name` with `outcome` `ok` or `error`
 * (plus `attributes`). The result or the error passes through unchanged. Records through the global meter provider,
 * so it is a no-op until {@link startTidelineMetrics} (or any OpenTelemetry SDK) is started.
 *
 * @example
 * const rows = await timeAsync('db.query', () => pool.query(sql), { table: 'orders' });
 */
export async function timeAsync<T>(
  name: string,
  fn: () => Promise<T> | T,
  attributes: Attributes = {},
  meter?: Meter,
): Promise<T> {
  const histogram = durationHistogram(name, meter);
  const started = performance.now();
  try {
    const result = await fn();
    histogram.record(performance.now() - started, { ...attributes, outcome: 'ok' });
    return result;
  } catch (error) {
    histogram.record(performance.now() - started, { ...attributes, outcome: 'error' });
    throw error;
  }
}
