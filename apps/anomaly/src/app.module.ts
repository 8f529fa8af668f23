import { Module } from '@nestjs/common';
import { InfluxConnectionModule, KafkaConnectionModule } from '@tideline/service';
import { AnomalyPipelineModule } from './anomaly-pipeline/anomaly-pipeline.module';
import { WebhookForwardingModule } from './webhook-forwarding/webhook-forwarding.module';

/**
 * The anomaly service: scores metric events against their baselines and publishes alerts.
 * /health, /metrics, config and shutdown come from @tideline/service; add each feature module to `imports`.
 */
@Module({
  imports: [
    KafkaConnectionModule,
    // alerts go out without InfluxDB (the service only records them there): an outage degrades /health, no 503
    InfluxConnectionModule.forService({ degradesOnly: true }),
    AnomalyPipelineModule,
    WebhookForwardingModule,
  ],
})
export class AppModule {}
