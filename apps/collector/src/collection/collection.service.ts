import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import type { CollectorConfig } from '@tideline/config';
import { tidelineTopicSpec, type TopicSpec } from '@tideline/kafka';
import { BufferedPublisher } from '@tideline/sdk/publishing';
import { SERVICE_CONFIG } from '@tideline/service';
import { HostReader } from '../host-sampling/host-reader';
import { CollectionMetrics } from './collection.metrics';
import { HostCollector } from './host-collector';
import { compileMetricFilter } from './metric-filter';
import { MetricsTopicSink } from './metrics-topic.sink';

/**
 * Runs the host collector inside the collector service: samples every `collector.intervalMs`, publishes to the
 * metrics topic, buffers (bounded) while Kafka is unreachable, and reports itself on `/metrics`.
 */
@Injectable()
export class CollectionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('collector');
  private readonly publisher: BufferedPublisher;
  private readonly collector: HostCollector;

  constructor(@Inject(SERVICE_CONFIG) config: CollectorConfig, kafka: Kafka, registry: Registry) {
    const section = config.collector;
    const host = section.host ?? hostname();
    const sink = new MetricsTopicSink(kafka, metricsTopicSpec(config));
    this.publisher = new BufferedPublisher(sink, {
      maxBufferedRecords: section.buffer.maxEvents,
      maxBatchRecords: section.buffer.maxBatchEvents,
      onSendError: (error, info) => {
        // Say it once when Kafka goes away, then only now and then, not every retry.
        if (info.failuresInARow === 1 || info.failuresInARow % 20 === 0) {
          this.logger.warn(
            `Kafka send failed (${describe(error)}); ${this.publisher.stats().buffered} events buffered, ` +
              `retrying in ${info.delayMs} ms`,
          );
        }
      },
      onDropped: (count) =>
        this.logger.warn(`buffer full (${section.buffer.maxEvents}): dropped the ${count} oldest events`),
    });
    const metrics = new CollectionMetrics(registry, () => this.publisher.stats());
    const reader = new HostReader({
      onSourceError: (source, error) => {
        metrics.sourceError(source);
        this.logger.debug(`reading ${source} failed: ${describe(error)}`);
      },
    });
    this.collector = new HostCollector({
      intervalMs: section.intervalMs,
      reader,
      publisher: this.publisher,
      context: { host, tags: section.tags, accepts: compileMetricFilter(section.metrics) },
      onTick: (report) => metrics.tick(report),
      onTickError: (error) => {
        metrics.tickError();
        this.logger.error(`collection tick failed: ${describe(error)}`);
      },
    });
    this.logger.log(
      `collecting host "${host}" every ${section.intervalMs} ms to ${section.topic} ` +
        `(buffer ${section.buffer.maxEvents} events)`,
    );
  }

  onApplicationBootstrap(): void {
    void this.collector.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.collector.stop();
    // The service shell allows 10 s for the whole shutdown: a last flush gets 2 s of it.
    await this.publisher.close(2000);
  }
}

/** The metrics topic as every service creates it (partitions, retention, dead-letter topic), under the configured name. */
function metricsTopicSpec(config: CollectorConfig): TopicSpec {
  return tidelineTopicSpec('metrics', config.collector.topic, config.kafka);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
