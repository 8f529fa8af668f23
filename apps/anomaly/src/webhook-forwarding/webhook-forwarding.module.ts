import { Module } from '@nestjs/common';
import { WebhookForwarderService } from './webhook-forwarder.service';

/** Posts alerts to the webhooks of the `anomaly.webhooks` config. Needs the `Kafka` provider of @tideline/service. */
@Module({ providers: [WebhookForwarderService] })
export class WebhookForwardingModule {}
