import { Module } from '@nestjs/common';
import { InfluxConnectionModule, KafkaConnectionModule } from '@tideline/service';
import { BaselinePipelineModule } from './baseline-pipeline/baseline-pipeline.module';

/**
 * The baseline service: learns each series' baseline from the metric events and stores it in InfluxDB.
 * /health, /metrics, config and shutdown come from @tideline/service; add each feature module to `imports`.
 */
@Module({
  imports: [KafkaConnectionModule, InfluxConnectionModule, BaselinePipelineModule],
})
export class AppModule {}
