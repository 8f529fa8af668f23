import { Module } from '@nestjs/common';
import { KafkaConnectionModule } from '@tideline/service';
import { WebhookForwarderService } from './webhook-forwarder.service';

/** Posts alerts to the webhooks of the `anomaly.webhooks` config. Needs the `Kafka` provider of @tideline/service. */
@Module({ imports: [KafkaConnectionModule], providers: [WebhookForwarderService] })
export class WebhookForwardingModule {}
