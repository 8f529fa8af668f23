import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  AggregationTemporality,
  AggregationType,
  InstrumentType,
  type AggregationOption,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { seriesKey } from '@tideline/contracts';
import type { BufferedPublisher } from '../publishing/buffered-publisher';
import { resourceMetricsToEvents, type PointContext } from './metric-data-to-events';

export interface TidelineMetricExporterOptions {
  /** Called with points that could not become valid metric events (they are not published). */
  readonly onRejected?: (rejected: readonly { readonly metric: string; readonly reason: string }[]) => void;
  /** Max buckets per exponential histogram (OpenTelemetry's default 160 gives ≈ 4 % quantile error over 4 decades). */
  readonly maxHistogramBuckets?: number;
}

/**
 * An OpenTelemetry push exporter that publishes each collection to the Tideline metrics topic as metric events,
 * keyed by series (see {@link resourceMetricsToEvents} for the mapping).
 *
 * It asks for delta temporality (counters and histograms describe the export interval: a baseline of "requests per
 * second" or "p95 this interval" is meaningful, one of a running total is not) except for up-down counters, which are
 * levels; and for exponential histograms, whose quantiles have a bounded relative error whatever the value range.
 *
 * `export` hands the events to a {@link BufferedPublisher} and reports success at once: the publisher owns delivery
 * (bounded buffer, ordered replay after a broker outage), so a Kafka outage never makes OpenTelemetry drop a
 * collection. `forceFlush` waits for the buffer to be sent.
 */
export class TidelineMetricExporter implements PushMetricExporter {
  private shutdownCalled = false;

  constructor(
    private readonly publisher: BufferedPublisher,
    private readonly context: PointContext,
    private readonly options: TidelineMetricExporterOptions = {},
  ) {}

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    if (this.shutdownCalled) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    try {
      const { events, rejected } = resourceMetricsToEvents(metrics, this.context);
      if (rejected.length > 0) this.options.onRejected?.(rejected);
      this.publisher.publish(events.map((event) => ({ key: seriesKey(event), value: JSON.stringify(event) })));
      resultCallback({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      resultCallback({
        code: ExportResultCode.FAILED,
        error: error instanceof Error ? error : new Error(String(error)),
      });
    }
  }

  async forceFlush(): Promise<void> {
    await this.publisher.flush();
  }

  async shutdown(): Promise<void> {
    if (this.shutdownCalled) return;
    this.shutdownCalled = true;
    await this.publisher.close();
  }

  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    return instrumentType === InstrumentType.UP_DOWN_COUNTER ||
      instrumentType === InstrumentType.OBSERVABLE_UP_DOWN_COUNTER
      ? AggregationTemporality.CUMULATIVE
      : AggregationTemporality.DELTA;
  }

  selectAggregation(instrumentType: InstrumentType): AggregationOption {
    if (instrumentType === InstrumentType.HISTOGRAM) {
      return {
        type: AggregationType.EXPONENTIAL_HISTOGRAM,
        options: { recordMinMax: true, maxSize: this.options.maxHistogramBuckets ?? 160 },
      };
    }
    return { type: AggregationType.DEFAULT };
  }
}
