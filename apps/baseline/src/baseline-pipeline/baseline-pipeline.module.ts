import { Module } from '@nestjs/common';
import { KafkaConnectionModule, InfluxConnectionModule } from '@tideline/service';
import { BaselinePipelineService } from './baseline-pipeline.service';

/** Learns baselines from the metrics topic. Needs the `Kafka` and `InfluxClient` providers of @tideline/service. */
@Module({ imports: [KafkaConnectionModule, InfluxConnectionModule], providers: [BaselinePipelineService] })
export class BaselinePipelineModule {}
