import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { AnomalyConfig } from '@tideline/config';
import { decodeAlertEvent } from '@tideline/contracts';
import {
  BatchConsumer,
  CompactedTable,
  DeadLetterPublisher,
  IdempotentProducer,
  type BatchContext,
  type ConsumedBatch,
} from '@tideline/kafka';
import { BackgroundStart, HealthChecks, SERVICE_CONFIG, lagMonitorOf } from '@tideline/service';
import { Kafka } from 'kafkajs';
import { Counter, Registry } from 'prom-client';
import { FiringAlerts, alertEventTime } from './firing-alerts';
import { isAlertmanagerApi } from './webhook-payload';
import { WebhookSender } from './webhook.sender';

/**
 * Forwards alerts to the configured webhooks (generic JSON, Slack, Alertmanager), each request HMAC-signed unless the
 * webhook is configured `unsigned: true` (the config refuses a webhook with neither a secret nor that key). Reads the
 * alerts topic with its own consumer group and commits an alert only once every webhook that wants it has accepted it
 * or has failed all its retries; a failed delivery goes to the alerts topic's dead-letter topic with reason
 * `webhook_undeliverable`, so nothing is dropped silently. Delivery is at-least-once: receivers de-duplicate on the
 * `x-tideline-alert-id` and `x-tideline-alert-state` headers. Does nothing when no webhook is configured; otherwise a
 * consumer that stopped on an error it could not get past fails `/health` (check `webhook-forwarder`).
 *
 * Alertmanager ends an alert that nobody posts again within its `resolve_timeout`, so, like Prometheus, the alerts
 * still firing are posted again to each Alertmanager API webhook (format `alertmanager`, URL ending in
 * `/api/v2/alerts`) every `resendIntervalMs`. After a restart the list of firing alerts is rebuilt by reading the
 * alerts topic from its start: the latest alert of each series says whether it still fires, with the labels and
 * annotations it was posted with (the alert-state topic has the lifecycle, not the alert that was posted).
 */
@Injectable()
export class WebhookForwarderService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('webhooks');
  private readonly senders: WebhookSender[];
  private readonly delivered: Counter<'webhook' | 'outcome'>;
  private producer: IdempotentProducer | undefined;
  private consumer: BatchConsumer | undefined;
  private readonly lifecycle: BackgroundStart | undefined;
  /** The webhooks that want firing alerts posted again, and the alerts still firing. */
  private readonly resenders: WebhookSender[];
  private readonly firing = new FiringAlerts();
  private resendTimers: NodeJS.Timeout[] = [];
  private resendAbort = new AbortController();
  private readonly resending = new Set<WebhookSender>();

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: AnomalyConfig,
    private readonly kafka: Kafka,
    registry: Registry,
    health: HealthChecks,
  ) {
    this.delivered = new Counter({
      name: 'tideline_webhook_deliveries_total',
      help: 'Alert deliveries to webhooks, by outcome (delivered, failed, invalid_alert; resent, resend_failed: firing alerts posted again to Alertmanager).',
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
    this.resenders = this.senders.filter(
      (sender) =>
        sender.webhook.format === 'alertmanager' &&
        isAlertmanagerApi(sender.webhook.url) &&
        sender.webhook.resendIntervalMs > 0,
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
    if (this.resenders.length > 0) await this.rebuildFiring();
    this.consumer = new BatchConsumer(this.kafka, {
      groupId: this.config.anomaly.webhookConsumerGroup,
      topics: [this.config.anomaly.topics.alerts],
      deadLetter: new DeadLetterPublisher(this.producer),
      // a webhook outage retries for minutes: keep the group membership alive meanwhile
      sessionTimeoutMs: 60_000,
      hooks: this.lifecycle!.consumerHooks('the alerts consumer'),
      lagMonitor: lagMonitorOf(this.config.health),
    });
    await this.consumer.start((batch, context) => this.handle(batch, context));
    this.resendAbort = new AbortController();
    this.resendTimers = this.resenders.map((sender) => {
      const timer = setInterval(() => void this.resend(sender), sender.webhook.resendIntervalMs);
      timer.unref();
      return timer;
    });
    this.logger.log(
      `forwarding alerts to ${this.senders.map((s) => `${s.webhook.name} (${s.webhook.format})`).join(', ')}`,
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.lifecycle?.stop();
  }

  private async stopParts(): Promise<void> {
    for (const timer of this.resendTimers) clearInterval(timer);
    this.resendTimers = [];
    this.resendAbort.abort();
    await this.consumer?.stop().catch(() => undefined);
    this.consumer = undefined;
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }

  /** The alerts topic from its start (bounded by its retention, `kafka.retentionMs`): the latest alert per series. */
  private async rebuildFiring(): Promise<void> {
    const table = new CompactedTable(this.kafka, {
      topic: this.config.anomaly.topics.alerts,
      groupIdPrefix: `${this.config.anomaly.webhookConsumerGroup}-rebuild`,
      decode: (_key, value) => {
        const decoded = decodeAlertEvent(value);
        if (!decoded.ok) throw new Error(decoded.error.message);
        return decoded.value;
      },
      isNewer: (current, incoming) => alertEventTime(incoming) >= alertEventTime(current),
    });
    try {
      await table.start();
      for (const series of table.keys()) {
        const alert = table.get(series);
        if (alert !== undefined) this.firing.update(alert);
      }
    } finally {
      await table.stop();
    }
    if (this.firing.size > 0) this.logger.log(`${this.firing.size} alerts still firing, posted again to Alertmanager`);
  }

  /** Posts the firing alerts again to one Alertmanager; one at a time, and a round never overlaps the previous one. */
  private async resend(sender: WebhookSender): Promise<void> {
    if (this.resending.has(sender)) return;
    this.resending.add(sender);
    try {
      for (const alert of [...this.firing.values()]) {
        if (this.resendAbort.signal.aborted) return;
        if (!sender.wants(alert)) continue;
        try {
          await sender.deliver(alert, this.resendAbort.signal);
          this.delivered.inc({ webhook: sender.webhook.name, outcome: 'resent' });
        } catch (error) {
          if (this.resendAbort.signal.aborted) return;
          // the alert itself was delivered (or dead-lettered) already: a failed reminder is retried next round
          this.delivered.inc({ webhook: sender.webhook.name, outcome: 'resend_failed' });
          this.logger.warn(
            `alert ${alert.id} not posted again to "${sender.webhook.name}": ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
    } finally {
      this.resending.delete(sender);
    }
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
      this.firing.update(alert);
      context.markHandled(record);
      await context.heartbeat();
    }
  }
}
