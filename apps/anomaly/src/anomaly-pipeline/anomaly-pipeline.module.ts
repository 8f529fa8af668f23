import { Module } from '@nestjs/common';
import { AnomalyPipelineService } from './anomaly-pipeline.service';

/** The scoring and alerting hot path. Needs the `Kafka` and `InfluxClient` providers of @tideline/service. */
@Module({ providers: [AnomalyPipelineService] })
export class AnomalyPipelineModule {}
