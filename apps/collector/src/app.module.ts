import { Module } from '@nestjs/common';
import { KafkaConnectionModule } from '@tideline/service';
import { CollectionModule } from './collection/collection.module';

/**
 * The collector service: samples this host and publishes metric events to Kafka.
 * /health, /metrics, config and shutdown come from @tideline/service; add each feature module to `imports`.
 */
@Module({
  imports: [KafkaConnectionModule, CollectionModule],
})
export class AppModule {}
