import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { AnomalyConfig } from '@tideline/config';
import { decodeAlertEvent } from '@tideline/contracts';
import {
  BatchConsumer,
  DeadLetterPublisher,
  IdempotentProducer,
  type BatchContext,
  type ConsumedBatch,
} from '@tideline/kafka';
import { BackgroundStart, HealthChecks, SERVICE_CONFIG } from '@tideline/service';
import { Kafka } from 'kafkajs';
import { Counter, Registry } from 'prom-client';
import { WebhookSender } from './webhook.sender';

/**
 * Forwards alerts to the configured webhooks (generic JSON, Slack, Alertmanager), each request HMAC-signed unless the
 * webhook is configured `unsigned: true` (the config refuses a webhook with neither a secret nor that key). Reads the
 * alerts topic with its own consumer group and commits an alert only once every webhook that wants it has accepted it
 * or has failed all its retries; a failed delivery goes to the alerts topic's dead-letter topic with reason
 * `webhook_undeliverable`, so nothing is dropped silently. Delivery is at-least-once: receivers de-duplicate on the
 * `x-tideline-alert-id` and `x-tideline-alert-state` headers. Does nothing when no webhook is configured; otherwise a
 * consumer that stopped on an error it could not get past fails `/health` (check `webhook-forwarder`).
 */
@Injectable()
export class WebhookForwarderService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('webhooks');
  private readonly senders: WebhookSender[];
  private readonly delivered: Counter<'webhook' | 'outcome'>;
  private producer: IdempotentProducer | undefined;
  private consumer: BatchConsumer | undefined;
  private readonly lifecycle: BackgroundStart | undefined;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: AnomalyConfig,
    private readonly kafka: Kafka,
    registry: Registry,
    health: HealthChecks,
  ) {
    this.delivered = new Counter({
      name: 'tideline_webhook_deliveries_total',
      help: 'Alert deliveries to webhooks, by outcome (delivered, failed, invalid_alert).',
      labelNames: ['webhook', 'outcome'],
      registers: [registry],
    });
    this.senders = config.anomaly.webhooks.map(
      (webhook) =>
        new WebhookSender(webhook, {
          onRetry: ({ retry, delayMs, error }) =>
            this.logger.warn(
              `webhook "${webhook.name}": retry ${retry} in ${delayMs} ms (${error instanceof Error ? error.message : String(error)})`,
            ),
        }),
    );
    for (const webhook of config.anomaly.webhooks) {
      // the config refuses a webhook without a secret unless it says `unsigned: true`
      if (webhook.unsigned)
        this.logger.warn(`webhook "${webhook.name}" is configured unsigned: its requests carry no signature`);
    }
    if (this.senders.length > 0) {
      this.lifecycle = new BackgroundStart(health, {
        name: 'webhook-forwarder',
        starting: 'connecting to Kafka',
        // a receiver that is down holds webhook delivery, not alerting: the service is degraded, not unavailable
        stallDegradesOnly: true,
        start: () => this.start(),
        stopParts: () => this.stopParts(),
        logger: this.logger,
      });
    }
  }

  /** Starts in the background (retrying until Kafka answers), so the service's HTTP server is not held up. */
  onApplicationBootstrap(): void {
    this.lifecycle?.begin();
  }

  private async start(): Promise<void> {
    this.producer = new IdempotentProducer(this.kafka);
    await this.producer.connect();
    this.consumer = new BatchConsumer(this.kafka, {
      groupId: this.config.anomaly.webhookConsumerGroup,
      topics: [this.config.anomaly.topics.alerts],
      deadLetter: new DeadLetterPublisher(this.producer),
      // a webhook outage retries for minutes: keep the group membership alive meanwhile
      sessionTimeoutMs: 60_000,
      hooks: this.lifecycle!.consumerHooks('the alerts consumer'),
    });
    await this.consumer.start((batch, context) => this.handle(batch, context));
    this.logger.log(
      `forwarding alerts to ${this.senders.map((s) => `${s.webhook.name} (${s.webhook.format})`).join(', ')}`,
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.lifecycle?.stop();
  }

  private async stopParts(): Promise<void> {
    await this.consumer?.stop().catch(() => undefined);
    this.consumer = undefined;
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }

  private async handle(batch: ConsumedBatch, context: BatchContext): Promise<void> {
    for (const record of batch.records) {
      if (!context.isActive()) return;
      const decoded = record.value === null ? undefined : decodeAlertEvent(record.value);
      if (decoded === undefined || !decoded.ok) {
        this.delivered.inc({ webhook: '*', outcome: 'invalid_alert' });
        await context.deadLetter(
          record,
          decoded?.error.reason ?? 'schema_violation',
          decoded?.error.message ?? 'no value',
        );
        continue;
      }
      const alert = decoded.value;
      const failures: string[] = [];
      await Promise.all(
        this.senders
          .filter((sender) => sender.wants(alert))
          .map(async (sender) => {
            try {
              await sender.deliver(alert, context.signal);
              this.delivered.inc({ webhook: sender.webhook.name, outcome: 'delivered' });
            } catch (error) {
              if (context.signal.aborted) throw error;
              this.delivered.inc({ webhook: sender.webhook.name, outcome: 'failed' });
              failures.push(`${sender.webhook.name}: ${error instanceof Error ? error.message : String(error)}`);
            }
          }),
      );
      if (failures.length > 0) {
        this.logger.error(`alert ${alert.id} (${alert.state}) not delivered: ${failures.join('; ')}`);
        await context.deadLetter(record, 'webhook_undeliverable', failures.join('; '));
      }
      context.markHandled(record);
      await context.heartbeat();
    }
  }
}
