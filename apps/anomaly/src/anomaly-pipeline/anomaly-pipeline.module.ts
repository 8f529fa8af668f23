import { Module } from '@nestjs/common';
import { KafkaConnectionModule, InfluxConnectionModule } from '@tideline/service';
import { AnomalyPipelineService } from './anomaly-pipeline.service';

/** The decision stage (judged points to alerts). Needs the `Kafka` and `InfluxClient` providers of @tideline/service. */
@Module({ imports: [KafkaConnectionModule, InfluxConnectionModule], providers: [AnomalyPipelineService] })
export class AnomalyPipelineModule {}
