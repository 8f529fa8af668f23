import { Module } from '@nestjs/common';
import { KafkaConnectionModule } from '@tideline/service';
import { AnomalyPipelineService } from './anomaly-pipeline.service';

/**
 * The decision stage (judged points to alerts). Needs the `Kafka` provider and the global `InfluxClient` of
 * @tideline/service (the app module imports `InfluxConnectionModule.forService`).
 */
@Module({ imports: [KafkaConnectionModule], providers: [AnomalyPipelineService] })
export class AnomalyPipelineModule {}
