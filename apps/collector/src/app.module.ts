import { Module } from '@nestjs/common';
import { KafkaConnectionModule } from '@tideline/service';

/**
 * The collector service: samples this host and publishes metric events to Kafka.
 * /health, /metrics, config and shutdown come from @tideline/service; add each feature module to `imports`.
 */
@Module({
  imports: [KafkaConnectionModule],
})
export class AppModule {}
