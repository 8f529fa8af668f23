import type { Attributes, HrTime } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type ExponentialHistogram,
  type Histogram,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { ContractValidationError, METRIC_EVENT_SCHEMA, parseMetricEvent, type MetricEvent } from '@tideline/contracts';
import { explicitHistogramQuantile, exponentialHistogramQuantile, HISTOGRAM_QUANTILES } from './histogram-quantiles';

/** What every point carries besides its own attributes. */
export interface PointContext {
  readonly host: string;
  readonly service: string;
  readonly version: string;
  /** Static tags; a point's attributes win over them, and `service` / `version` win over both. */
  readonly tags?: Readonly<Record<string, string>>;
}

export interface ConversionResult {
  readonly events: MetricEvent[];
  /** Points that could not become a valid metric event (non-finite value, a name or tag over the limits). */
  readonly rejected: { readonly metric: string; readonly reason: string }[];
}

/**
 * Turns one OpenTelemetry collection into Tideline metric events (`source: 'sdk'`), one series per instrument,
 * attribute set and statistic. Time is each point's end time, in epoch ms.
 *
 * | instrument (temporality)                 | events                                                               |
 * |------------------------------------------|----------------------------------------------------------------------|
 * | Counter, ObservableCounter (delta)       | `<name>.rate`: increase per second over the export interval          |
 * | Counter (cumulative, if so configured)   | `<name>`: the running total                                          |
 * | UpDownCounter, Gauge, ObservableGauge    | `<name>`: the value                                                  |
 * | Histogram (delta; exponential or explicit)| `<name>.count`, `.mean`, `.max`, `.p50`, `.p95`, `.p99` per interval |
 *
 * A histogram with no recordings in the interval produces no events (no data, rather than a fake zero).
 */
export function resourceMetricsToEvents(collection: ResourceMetrics, context: PointContext): ConversionResult {
  const events: MetricEvent[] = [];
  const rejected: { metric: string; reason: string }[] = [];
  const emit = (metric: string, value: number, point: DataPoint<unknown>, unit: string | undefined): void => {
    const candidate: MetricEvent = {
      schema: METRIC_EVENT_SCHEMA,
      metric,
      host: context.host,
      value,
      ts: hrTimeToMs(point.endTime),
      tags: tagsFor(point.attributes, context),
      source: 'sdk',
      ...(unit ? { unit } : {}),
    };
    try {
      events.push(parseMetricEvent(candidate));
    } catch (error) {
      if (!(error instanceof ContractValidationError)) throw error;
      rejected.push({ metric, reason: error.message });
    }
  };

  for (const scope of collection.scopeMetrics) {
    for (const metric of scope.metrics) {
      const name = metric.descriptor.name;
      const unit = metric.descriptor.unit || undefined;
      switch (metric.dataPointType) {
        case DataPointType.SUM:
          for (const point of metric.dataPoints) {
            if (metric.isMonotonic && metric.aggregationTemporality === AggregationTemporality.DELTA) {
              const seconds = (hrTimeToMs(point.endTime) - hrTimeToMs(point.startTime)) / 1000;
              if (seconds <= 0) continue;
              emit(`${name}.rate`, point.value / seconds, point, unit ? `${unit}/s` : '1/s');
            } else {
              emit(name, point.value, point, unit);
            }
          }
          break;
        case DataPointType.GAUGE:
          for (const point of metric.dataPoints) emit(name, point.value, point, unit);
          break;
        case DataPointType.HISTOGRAM:
          for (const point of metric.dataPoints) {
            summarise(name, point, unit, (q) => explicitHistogramQuantile(point.value, q), emit);
          }
          break;
        case DataPointType.EXPONENTIAL_HISTOGRAM:
          for (const point of metric.dataPoints) {
            summarise(name, point, unit, (q) => exponentialHistogramQuantile(point.value, q), emit);
          }
          break;
      }
    }
  }
  return { events, rejected };
}

function summarise(
  name: string,
  point: DataPoint<Histogram | ExponentialHistogram>,
  unit: string | undefined,
  quantile: (q: number) => number | undefined,
  emit: (metric: string, value: number, point: DataPoint<unknown>, unit: string | undefined) => void,
): void {
  const { count, sum, max } = point.value;
  if (count <= 0) return;
  emit(`${name}.count`, count, point, undefined);
  if (sum !== undefined) emit(`${name}.mean`, sum / count, point, unit);
  if (max !== undefined) emit(`${name}.max`, max, point, unit);
  for (const [suffix, q] of HISTOGRAM_QUANTILES) {
    const value = quantile(q);
    if (value !== undefined) emit(`${name}.${suffix}`, value, point, unit);
  }
}

function tagsFor(attributes: Attributes, context: PointContext): Record<string, string> {
  // A Map, then fromEntries: an attribute named `__proto__` stays an ordinary tag.
  const tags = new Map<string, string>(Object.entries(context.tags ?? {}));
  for (const [key, raw] of Object.entries(attributes)) {
    if (raw === undefined || raw === null) continue;
    const value = Array.isArray(raw)
      ? raw.filter((item) => item !== null && item !== undefined).join(',')
      : String(raw);
    if (value !== '') tags.set(key, value);
  }
  tags.set('service', context.service);
  tags.set('version', context.version);
  return Object.fromEntries(tags);
}

/** OpenTelemetry's [seconds, nanoseconds] as integer epoch milliseconds. */
export function hrTimeToMs(time: HrTime): number {
  return time[0] * 1000 + Math.floor(time[1] / 1_000_000);
}
